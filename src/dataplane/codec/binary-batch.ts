import { BatchError, BatchTooLargeError } from './batch-errors.js';
import { allocBatch, PROTO_TCP, type PacketBatch } from './packet-batch.js';
import { decodeColumnarBatch, PACKET_MAGIC_COLUMNS } from './columnar-batch.js';
import { recordProblem } from './record-checks.js';
import { bswap32, leWordsToBuffer, readLeWords } from './le-words.js';

/** "OWP1" read as a little-endian u32. */
export const PACKET_MAGIC = 0x3150574f;
/** "OWP4": IPv4-only records, the addresses without their IPv6 room; half the bytes to move per packet. */
export const PACKET_MAGIC_V4 = 0x3450574f;
export const PACKET_HEADER_BYTES = 8;
export const PACKET_RECORD_BYTES = 48;
export const PACKET_RECORD_BYTES_V4 = 24;

// Records are read as little-endian u32 words, 12 (OWP1) or 6 (OWP4):
// 0 vnic | 1 dir, family, proto, flags (low byte first) | 2 sport, dport | 3 icmpId, len | then
// OWP1: 4-7 src | 8-11 dst;  OWP4: 4 src | 5 dst
const HEADER_WORDS = PACKET_HEADER_BYTES / 4;
const RECORD_WORDS = PACKET_RECORD_BYTES / 4;
const RECORD_WORDS_V4 = PACKET_RECORD_BYTES_V4 / 4;

function bad(i: number, field: string, detail: string): BatchError {
  return new BatchError(i, field, detail);
}

/** Checks the header and length; returns the record count and the words a record has. */
function readHeader(
  buf: ArrayBuffer,
  maxPackets: number,
): { count: number; recordWords: number; columns: boolean } {
  const size = buf.byteLength;
  if (size < PACKET_HEADER_BYTES) throw bad(-1, 'header', `${size} bytes is shorter than the 8-byte header`);
  const view = new DataView(buf);
  const magic = view.getUint32(0, true);
  if (magic !== PACKET_MAGIC && magic !== PACKET_MAGIC_V4 && magic !== PACKET_MAGIC_COLUMNS)
    throw bad(-1, 'header.magic', 'is not "OWP1", "OWP4" or "OWC1"');
  const count = view.getUint32(4, true);
  if (count > maxPackets) throw new BatchTooLargeError(count, maxPackets);
  const record = magic === PACKET_MAGIC_V4 ? PACKET_RECORD_BYTES_V4 : PACKET_RECORD_BYTES;
  const expected = PACKET_HEADER_BYTES + record * count;
  if (size !== expected)
    throw bad(-1, 'length', `${size} bytes, expected 8 + ${record} × ${count} = ${expected}`);
  return { count, recordWords: record / 4, columns: magic === PACKET_MAGIC_COLUMNS };
}

/**
 * A batch of `count` packets in `spare`'s arrays when they are long enough (a caller that decodes one
 * batch after another then allocates nothing: a new 16,384-packet batch is 1.4 MB to zero), else a new one.
 */
function batchFor(count: number, spare: PacketBatch | undefined): PacketBatch {
  if (spare === undefined || spare.vnic.length < count) return allocBatch(count);
  return { ...spare, count };
}

/**
 * Decodes a binary packet batch without per-packet allocation, into `spare`'s arrays when they are long
 * enough (the result is then valid until the next decode into them); an OWC1 batch decodes to views over
 * `buf` itself (see decodeColumnarBatch). Throws BatchError naming the first bad record and field, or
 * BatchTooLargeError when it holds more than maxPackets.
 */
export function decodeBinaryBatch(buf: ArrayBuffer, maxPackets: number, spare?: PacketBatch): PacketBatch {
  const { count, recordWords, columns } = readHeader(buf, maxPackets);
  if (columns) return decodeColumnarBatch(buf, count);
  const compact = recordWords === RECORD_WORDS_V4;
  const w = readLeWords(buf);
  const b = batchFor(count, spare);
  const { vnic, dir, family, proto, flags, sport, dport, icmpId, len, src, dst } = b;
  for (let i = 0, at = HEADER_WORDS; i < count; i++, at += recordWords) {
    const meta = w[at + 1]!;
    const d = meta & 0xff;
    const fam = (meta >>> 8) & 0xff;
    const p = (meta >>> 16) & 0xff;
    const ports = w[at + 2]!;
    const idLen = w[at + 3]!;
    const problem = recordProblem(i, d, fam, p, ports & 0xffff, ports >>> 16, idLen & 0xffff);
    if (problem) throw problem;
    const o = i * 4;
    src[o] = bswap32(w[at + 4]!);
    if (compact) {
      if (fam !== 4) throw bad(i, 'family', `${fam} in an OWP4 batch, which holds IPv4 packets only`);
      dst[o] = bswap32(w[at + 5]!);
      src[o + 1] = src[o + 2] = src[o + 3] = 0;
      dst[o + 1] = dst[o + 2] = dst[o + 3] = 0;
    } else if (fam === 6) {
      dst[o] = bswap32(w[at + 8]!);
      src[o + 1] = bswap32(w[at + 5]!);
      src[o + 2] = bswap32(w[at + 6]!);
      src[o + 3] = bswap32(w[at + 7]!);
      dst[o + 1] = bswap32(w[at + 9]!);
      dst[o + 2] = bswap32(w[at + 10]!);
      dst[o + 3] = bswap32(w[at + 11]!);
    } else {
      dst[o] = bswap32(w[at + 8]!);
      if ((w[at + 5]! | w[at + 6]! | w[at + 7]!) !== 0)
        throw bad(i, 'src', 'IPv4 padding bytes 20-31 not zero');
      if ((w[at + 9]! | w[at + 10]! | w[at + 11]!) !== 0)
        throw bad(i, 'dst', 'IPv4 padding bytes 36-47 not zero');
      // a reused batch may hold an IPv6 packet's words here
      src[o + 1] = src[o + 2] = src[o + 3] = 0;
      dst[o + 1] = dst[o + 2] = dst[o + 3] = 0;
    }
    vnic[i] = w[at]!;
    dir[i] = d;
    family[i] = fam;
    proto[i] = p;
    // Flags on non-TCP packets are allowed and ignored.
    flags[i] = p === PROTO_TCP ? meta >>> 24 : 0;
    sport[i] = ports;
    dport[i] = ports >>> 16;
    icmpId[i] = idLen;
    len[i] = idLen >>> 16;
  }
  return b;
}

/** OWP1, or with `ipv4Only` the compact OWP4 records (every packet must then be IPv4). */
export function encodeBinaryBatch(b: PacketBatch, opts: { ipv4Only?: boolean } = {}): ArrayBuffer {
  const compact = opts.ipv4Only === true;
  const words = compact ? RECORD_WORDS_V4 : RECORD_WORDS;
  const w = new Uint32Array(HEADER_WORDS + words * b.count);
  w[0] = compact ? PACKET_MAGIC_V4 : PACKET_MAGIC;
  w[1] = b.count;
  const { vnic, dir, family, proto, flags, sport, dport, icmpId, len, src, dst } = b;
  for (let i = 0, at = HEADER_WORDS; i < b.count; i++, at += words) {
    const fam = family[i]!;
    const o = i * 4;
    w[at] = vnic[i]!;
    w[at + 1] = dir[i]! | (fam << 8) | (proto[i]! << 16) | (flags[i]! << 24);
    w[at + 2] = sport[i]! | (dport[i]! << 16);
    w[at + 3] = icmpId[i]! | (len[i]! << 16);
    w[at + 4] = bswap32(src[o]!);
    if (compact) {
      if (fam !== 4) throw new RangeError(`packet ${i} is IPv${fam}: OWP4 records hold IPv4 only`);
      w[at + 5] = bswap32(dst[o]!);
      continue;
    }
    w[at + 8] = bswap32(dst[o]!);
    if (fam === 6) {
      w[at + 5] = bswap32(src[o + 1]!);
      w[at + 6] = bswap32(src[o + 2]!);
      w[at + 7] = bswap32(src[o + 3]!);
      w[at + 9] = bswap32(dst[o + 1]!);
      w[at + 10] = bswap32(dst[o + 2]!);
      w[at + 11] = bswap32(dst[o + 3]!);
    }
  }
  return leWordsToBuffer(w);
}
