import type { FlowStore } from './flow-store.js';
import { FLAGS_SHIFT, STATE_SHIFT, W_EXPIRY, W_META, W_PORTS, W_RULE, W_SRC, W_VNIC } from './flow-layout.js';

/**
 * FLOW RECORD: the persisted / migrated form of one flow, 56 bytes, little-endian, the same for
 * IPv4 and IPv6. Bytes 0-43 are the flow's identity (its storage key); 44-55 its value.
 *
 *   off len field
 *     0   4 vnic      u32 handle
 *     4   1 family    4 | 6
 *     5   1 proto     IP protocol number
 *     6   2 sport     u16, original direction (ICMP echo: identifier)
 *     8   2 dport     u16, original direction (ICMP echo: identifier)
 *    10   2 reserved  0
 *    12  16 src       4 x u32 words as in src/net/ip.ts (IPv6 most significant word first;
 *                     IPv4 in the first word, the other three 0)
 *    28  16 dst       same
 *    44   1 state     FlowState
 *    45   1 flags     FLOW_* bits
 *    46   1 version   FLOW_RECORD_VERSION
 *    47   1 reserved  0
 *    48   4 expiry    u32 absolute seconds
 *    52   4 rule      u32 rule handle, 0xFFFFFFFF none
 */
export const FLOW_RECORD_BYTES = 56;
export const FLOW_KEY_BYTES = 44;
export const FLOW_RECORD_VERSION = 1;

export interface FlowInfo {
  vnic: number;
  family: 4 | 6;
  proto: number;
  /** 1 word (IPv4) or 4 words (IPv6), unsigned, as in src/net/ip.ts */
  src: number[];
  dst: number[];
  sport: number;
  dport: number;
  state: number;
  flags: number;
  expiry: number;
  rule: number;
}

/** Writes the record of entry `id` of `store` at byte `off`. */
export function writeFlowRecord(store: FlowStore, id: number, view: DataView, off: number): void {
  const w = store.words;
  const b = id << store.shift;
  const words = store.family === 4 ? 1 : 4;
  const meta = w[b + W_META]!;
  const ports = w[b + W_PORTS]!;
  view.setUint32(off, w[b + W_VNIC]!, true);
  view.setUint8(off + 4, store.family);
  view.setUint8(off + 5, meta & 0xff);
  view.setUint16(off + 6, ports >>> 16, true);
  view.setUint16(off + 8, ports & 0xffff, true);
  view.setUint16(off + 10, 0, true);
  for (let i = 0; i < 4; i++) {
    view.setUint32(off + 12 + i * 4, i < words ? w[b + W_SRC + i]! : 0, true);
    view.setUint32(off + 28 + i * 4, i < words ? w[b + W_SRC + words + i]! : 0, true);
  }
  view.setUint8(off + 44, (meta >>> STATE_SHIFT) & 0xff);
  view.setUint8(off + 45, (meta >>> FLAGS_SHIFT) & 0xff);
  view.setUint8(off + 46, FLOW_RECORD_VERSION);
  view.setUint8(off + 47, 0);
  view.setUint32(off + 48, w[b + W_EXPIRY]!, true);
  view.setUint32(off + 52, w[b + W_RULE]!, true);
}

/** Reads the record at byte `off` without validating it (see the table's import for that). */
export function readFlowRecord(view: DataView, off: number): FlowInfo {
  const family = view.getUint8(off + 4) === 6 ? 6 : 4;
  const words = family === 4 ? 1 : 4;
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < words; i++) {
    src.push(view.getUint32(off + 12 + i * 4, true));
    dst.push(view.getUint32(off + 28 + i * 4, true));
  }
  return {
    vnic: view.getUint32(off, true),
    family,
    proto: view.getUint8(off + 5),
    src,
    dst,
    sport: view.getUint16(off + 6, true),
    dport: view.getUint16(off + 8, true),
    state: view.getUint8(off + 44),
    flags: view.getUint8(off + 45),
    expiry: view.getUint32(off + 48, true),
    rule: view.getUint32(off + 52, true),
  };
}

/** The identity bytes of record `i` of a packed buffer: use as the storage key. */
export function flowRecordKey(records: Uint8Array, i: number): Uint8Array {
  return records.subarray(i * FLOW_RECORD_BYTES, i * FLOW_RECORD_BYTES + FLOW_KEY_BYTES);
}

/** Reads the entry words of `id` as a FlowInfo. */
export function readFlowEntry(store: FlowStore, id: number): FlowInfo {
  const w = store.words;
  const b = id << store.shift;
  const words = store.family === 4 ? 1 : 4;
  const meta = w[b + W_META]!;
  const ports = w[b + W_PORTS]!;
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < words; i++) {
    src.push(w[b + W_SRC + i]! >>> 0);
    dst.push(w[b + W_SRC + words + i]! >>> 0);
  }
  return {
    vnic: w[b + W_VNIC]! >>> 0,
    family: store.family,
    proto: meta & 0xff,
    src,
    dst,
    sport: ports >>> 16,
    dport: ports & 0xffff,
    state: (meta >>> STATE_SHIFT) & 0xff,
    flags: (meta >>> FLAGS_SHIFT) & 0xff,
    expiry: w[b + W_EXPIRY]! >>> 0,
    rule: w[b + W_RULE]! >>> 0,
  };
}
