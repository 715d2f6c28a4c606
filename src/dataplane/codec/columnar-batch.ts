import { BatchError } from './batch-errors.js';
import { allocBatch, PROTO_TCP, type PacketBatch } from './packet-batch.js';
import { hostOrderInPlace, LITTLE_ENDIAN_HOST } from './le-words.js';
import { recordProblem } from './record-checks.js';

/** "OWC1" read as a little-endian u32: the batch's fields in columns, as PacketBatch holds them. */
export const PACKET_MAGIC_COLUMNS = 0x3143574f;
/** Bytes per packet across the columns, as many as an OWP1 record. */
export const PACKET_COLUMN_BYTES = 48;
const HEADER_BYTES = 8;

/** Where each column starts in a batch of `count` packets: u32 columns first, then u16, then u8. */
function columnOffsets(count: number) {
  const vnic = HEADER_BYTES;
  const src = vnic + 4 * count;
  const dst = src + 16 * count;
  const u16 = dst + 16 * count;
  const u8 = u16 + 8 * count;
  return { vnic, src, dst, u16, u8 };
}

/**
 * Zero columns for the fields OWC1 does not carry (quoted ICMP headers), shared by every decoded batch and
 * grown to the largest one: the data plane only reads a batch.
 */
let none = allocBatch(0);
function noInner(count: number): PacketBatch {
  if (none.vnic.length < count) none = allocBatch(count);
  return none;
}

/**
 * The batch as views over `buf` itself (`count` checked by the caller against its length): no copy, so it
 * is valid as long as the buffer is and the caller must own the buffer; on a big-endian host its words are
 * swapped in place first, and flags of non-TCP packets are cleared in place (ignored, as in OWP1).
 */
export function decodeColumnarBatch(buf: ArrayBuffer, count: number): PacketBatch {
  const at = columnOffsets(count);
  if (!LITTLE_ENDIAN_HOST) hostOrderInPlace(new Uint8Array(buf, at.vnic, at.u8 - at.vnic), at.u16 - at.vnic);
  const inner = noInner(count);
  const b: PacketBatch = {
    count,
    vnic: new Uint32Array(buf, at.vnic, count),
    src: new Uint32Array(buf, at.src, 4 * count),
    dst: new Uint32Array(buf, at.dst, 4 * count),
    sport: new Uint16Array(buf, at.u16, count),
    dport: new Uint16Array(buf, at.u16 + 2 * count, count),
    icmpId: new Uint16Array(buf, at.u16 + 4 * count, count),
    len: new Uint16Array(buf, at.u16 + 6 * count, count),
    dir: new Uint8Array(buf, at.u8, count),
    family: new Uint8Array(buf, at.u8 + count, count),
    proto: new Uint8Array(buf, at.u8 + 2 * count, count),
    flags: new Uint8Array(buf, at.u8 + 3 * count, count),
    hasInner: inner.hasInner,
    innerProto: inner.innerProto,
    innerSport: inner.innerSport,
    innerDport: inner.innerDport,
    innerSrc: inner.innerSrc,
    innerDst: inner.innerDst,
  };
  const { dir, family, proto, flags, sport, dport, icmpId, src, dst } = b;
  for (let i = 0; i < count; i++) {
    const d = dir[i]!;
    const fam = family[i]!;
    const p = proto[i]!;
    const problem = recordProblem(i, d, fam, p, sport[i]!, dport[i]!, icmpId[i]!);
    if (problem) throw problem;
    if (fam === 4) {
      const o = i * 4;
      if ((src[o + 1]! | src[o + 2]! | src[o + 3]!) !== 0)
        throw new BatchError(i, 'src', 'words 1-3 of an IPv4 address are not zero');
      if ((dst[o + 1]! | dst[o + 2]! | dst[o + 3]!) !== 0)
        throw new BatchError(i, 'dst', 'words 1-3 of an IPv4 address are not zero');
    }
    if (p !== PROTO_TCP) flags[i] = 0;
  }
  return b;
}

/** The batch's columns as an OWC1 body. */
export function encodeColumnarBatch(b: PacketBatch): ArrayBuffer {
  const n = b.count;
  const at = columnOffsets(n);
  const buf = new ArrayBuffer(HEADER_BYTES + PACKET_COLUMN_BYTES * n);
  new Uint32Array(buf, 0, 2).set([PACKET_MAGIC_COLUMNS, n]);
  new Uint32Array(buf, at.vnic, n).set(b.vnic.subarray(0, n));
  new Uint32Array(buf, at.src, 4 * n).set(b.src.subarray(0, 4 * n));
  new Uint32Array(buf, at.dst, 4 * n).set(b.dst.subarray(0, 4 * n));
  const u16 = [b.sport, b.dport, b.icmpId, b.len];
  u16.forEach((col, k) => new Uint16Array(buf, at.u16 + 2 * k * n, n).set(col.subarray(0, n)));
  const u8 = [b.dir, b.family, b.proto, b.flags];
  u8.forEach((col, k) => new Uint8Array(buf, at.u8 + k * n, n).set(col.subarray(0, n)));
  if (!LITTLE_ENDIAN_HOST) hostOrderInPlace(new Uint8Array(buf, 0, at.u8), at.u16);
  return buf;
}
