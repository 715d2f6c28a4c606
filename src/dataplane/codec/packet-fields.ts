import { parseIP, type ParsedAddress } from '../../net/ip.js';
import { isIcmpError } from '../conntrack/icmp.js';
import { BatchError } from './batch-errors.js';
import { isIcmp, PROTO_TCP, type PacketBatch } from './packet-batch.js';
import { parseTcpFlags } from './tcp-flags.js';

/**
 * The header an ICMP/ICMPv6 error quotes: the packet that caused it, as it was sent, so usually in
 * the opposite direction to the error. For a quoted ICMP echo, `sport` is its identifier.
 */
export interface InnerHeader {
  src: string;
  dst: string;
  proto: number;
  sport?: number;
  dport?: number;
}

/** A packet in the JSON wire shape (vnic is a name in JSON, a handle in PacketInput). */
export interface PacketFields {
  dir: 'out' | 'in';
  src: string;
  dst: string;
  proto: number;
  sport?: number;
  dport?: number;
  flags?: string;
  len?: number;
  /** ICMP/ICMPv6 type; sport is used when absent. */
  type?: number;
  /** ICMP/ICMPv6 code; dport is used when absent. */
  code?: number;
  /** ICMP echo identifier. */
  id?: number;
  /** ICMP/ICMPv6 errors only: the quoted header, which lets the error pass as `related`. */
  inner?: InnerHeader;
}

export const RECORD_KEYS: ReadonlySet<string> = new Set([
  'vnic',
  'tenant',
  'dir',
  'src',
  'dst',
  'proto',
  'sport',
  'dport',
  'flags',
  'len',
  'type',
  'code',
  'id',
  'inner',
]);

const INNER_KEYS: ReadonlySet<string> = new Set(['src', 'dst', 'proto', 'sport', 'dport']);

export type Rec = Record<string, unknown>;

/** Returns the record as an object whose keys are all known, or throws naming the first unknown one. */
export function asRecord(value: unknown, i: number): Rec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BatchError(i, '', `${show(value)} is not an object`);
  }
  for (const key of Object.keys(value)) {
    if (!RECORD_KEYS.has(key)) throw new BatchError(i, key, 'unknown field');
  }
  return value as Rec;
}

/** Renders a bad value for an error message, shortened so a hostile body cannot bloat it. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Reads rec[field]; `path` prefixes the field in errors (e.g. "inner."). */
function int(rec: Rec, i: number, field: string, max: number, fallback: number | null, path = ''): number {
  const v = rec[field];
  if (v === undefined) {
    if (fallback === null) throw new BatchError(i, path + field, 'is required');
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new BatchError(i, path + field, `${show(v)} is not an integer in 0..${max}`);
  }
  return v;
}

function address(rec: Rec, i: number, field: string, path = ''): ParsedAddress {
  const v = rec[field];
  if (v === undefined) throw new BatchError(i, path + field, 'is required');
  const parsed = typeof v === 'string' ? parseIP(v) : null;
  if (!parsed) throw new BatchError(i, path + field, `${show(v)} is not an IPv4 or IPv6 address`);
  return parsed;
}

function putAddress(words: Uint32Array, i: number, a: ParsedAddress): void {
  if (a.family === 4) words[i * 4] = a.v4;
  else words.set(a.v6, i * 4);
}

/** ICMP type/code: the named field, else the port field standing in for it; both given must agree. */
function icmpField(rec: Rec, i: number, field: string, portField: string): number {
  const own = int(rec, i, field, 255, -1);
  const port = rec[portField] === undefined ? -1 : int(rec, i, portField, 255, 0);
  if (own >= 0 && port >= 0 && own !== port) {
    throw new BatchError(i, portField, `${port} conflicts with ${field} ${own}`);
  }
  return own >= 0 ? own : Math.max(port, 0);
}

/** Validates the quoted header of ICMP error i (family of the packet: fam) and stores it. */
function decodeInner(batch: PacketBatch, i: number, value: unknown, fam: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BatchError(i, 'inner', `${show(value)} is not an object`);
  }
  for (const key of Object.keys(value)) {
    if (!INNER_KEYS.has(key)) throw new BatchError(i, `inner.${key}`, 'unknown field');
  }
  const rec = value as Rec;
  const src = address(rec, i, 'src', 'inner.');
  const dst = address(rec, i, 'dst', 'inner.');
  for (const [field, a] of [['src', src] as const, ['dst', dst] as const]) {
    if (a.family !== fam) {
      throw new BatchError(
        i,
        `inner.${field}`,
        `${show(rec[field])} is IPv${a.family} but the packet is IPv${fam}`,
      );
    }
  }
  const proto = int(rec, i, 'proto', 255, null, 'inner.');
  if (isIcmp(proto) && rec.dport !== undefined) {
    throw new BatchError(
      i,
      'inner.dport',
      'does not apply to a quoted ICMP packet: give its echo id as sport',
    );
  }
  batch.hasInner[i] = 1;
  batch.innerProto[i] = proto;
  batch.innerSport[i] = int(rec, i, 'sport', 0xffff, 0, 'inner.');
  batch.innerDport[i] = int(rec, i, 'dport', 0xffff, 0, 'inner.');
  putAddress(batch.innerSrc, i, src);
  putAddress(batch.innerDst, i, dst);
}

/** Validates and stores every field except vnic/tenant of record i. */
export function decodePacketFields(batch: PacketBatch, i: number, rec: Rec): void {
  const dir = rec.dir;
  if (dir !== 'out' && dir !== 'in') {
    throw new BatchError(i, 'dir', dir === undefined ? 'is required' : `${show(dir)} is not "out" or "in"`);
  }
  const src = address(rec, i, 'src');
  const dst = address(rec, i, 'dst');
  if (src.family !== dst.family) {
    throw new BatchError(i, 'dst', `${show(rec.dst)} is IPv${dst.family} but src is IPv${src.family}`);
  }
  const proto = int(rec, i, 'proto', 255, null);
  let sport: number;
  let dport: number;
  let icmpId = 0;
  if (isIcmp(proto)) {
    sport = icmpField(rec, i, 'type', 'sport');
    dport = icmpField(rec, i, 'code', 'dport');
    icmpId = int(rec, i, 'id', 0xffff, 0);
  } else {
    for (const f of ['type', 'code', 'id']) {
      if (rec[f] !== undefined) throw new BatchError(i, f, 'only applies to ICMP (proto 1) and ICMPv6 (58)');
    }
    sport = int(rec, i, 'sport', 0xffff, 0);
    dport = int(rec, i, 'dport', 0xffff, 0);
  }
  let flags = 0;
  if (rec.flags !== undefined) {
    const parsed = typeof rec.flags === 'string' ? parseTcpFlags(rec.flags) : 'is not a string';
    if (typeof parsed === 'string') throw new BatchError(i, 'flags', `${show(rec.flags)} ${parsed}`);
    // Flags on a non-TCP packet are meaningless but harmless: accept and drop them, as the binary decoder does.
    flags = proto === PROTO_TCP ? parsed : 0;
  }
  batch.dir[i] = dir === 'in' ? 1 : 0;
  batch.family[i] = src.family;
  batch.proto[i] = proto;
  batch.flags[i] = flags;
  batch.sport[i] = sport;
  batch.dport[i] = dport;
  batch.icmpId[i] = icmpId;
  batch.len[i] = int(rec, i, 'len', 0xffff, 0);
  putAddress(batch.src, i, src);
  putAddress(batch.dst, i, dst);
  if (rec.inner !== undefined) {
    if (!isIcmp(proto) || !isIcmpError(src.family, sport)) {
      const what = isIcmp(proto) ? `ICMP type ${sport}` : `proto ${proto}`;
      throw new BatchError(
        i,
        'inner',
        `only applies to ICMP errors (IPv4 types 3, 4, 5, 11, 12; IPv6 types 1-4), not ${what}`,
      );
    }
    decodeInner(batch, i, rec.inner, src.family);
  }
}
