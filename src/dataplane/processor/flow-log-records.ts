import { formatIPv4, formatIPv6 } from '../../net/ip.js';
import { NO_RULE, type ActionName, type ReasonName } from '../codec/index.js';
import type { RuleRef } from './rule-handles.js';
import type { VnicLabel } from './tenant-state.js';

/**
 * A logged verdict as a fixed 64-byte record (platform byte order, little-endian everywhere this runs), the
 * same in the in-memory ring and, compressed, in storage: f64 at (ms) · u32 label · u32 rule handle ·
 * 4×u32 src · 4×u32 dst · u16 sport · u16 dport · u8 dir, family, proto, action, reason · 7 bytes zero.
 */
export const FLOW_LOG_RECORD_BYTES = 64;
/** offsets in 32-bit words */
export const W_LABEL = 2;
export const W_RULE = 3;
export const W_SRC = 4;
export const W_DST = 8;
/** sport in the low half, dport in the high half */
export const W_PORTS = 12;
/** offsets in 16-bit halves */
export const H_SPORT = 24;
export const H_DPORT = 25;
/** offsets in bytes */
export const B_DIR = 52;
export const B_FAMILY = 53;
export const B_PROTO = 54;
export const B_ACTION = 55;
export const B_REASON = 56;

export interface FlowLogEntry {
  /** ms */
  at: number;
  tenant: string;
  workload: string;
  vnic: string;
  dir: 'in' | 'out';
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  action: string;
  reason: string;
  rule: string | null;
  policy: string | null;
}

export interface FlowLogFilter {
  tenant?: string;
  workload?: string;
  /** rule id */
  rule?: string;
  action?: string;
  sinceMs?: number;
  limit?: number;
}

/** What the records' numbers name: vNIC labels by label id, rules by handle. */
export interface FlowLogNames {
  label(id: number): VnicLabel | undefined;
  rule(handle: number): RuleRef | undefined;
}

const ACTION_NAMES: readonly ActionName[] = ['allow', 'drop', 'reject'];
const REASON_NAMES: readonly ReasonName[] = [
  'new',
  'established',
  'related',
  'invalid',
  'default',
  'spoof',
  'unknown-vnic',
  'moved',
];

/** Typed views over packed records; record k starts at byte k × 64. */
export class FlowLogRecords {
  readonly count: number;
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;

  constructor(buffer: ArrayBuffer, byteOffset = 0, count = (buffer.byteLength - byteOffset) / 64) {
    this.count = count;
    this.f64 = new Float64Array(buffer, byteOffset, count * 8);
    this.u32 = new Uint32Array(buffer, byteOffset, count * 16);
    this.u16 = new Uint16Array(buffer, byteOffset, count * 32);
    this.u8 = new Uint8Array(buffer, byteOffset, count * 64);
  }

  at(k: number): number {
    return this.f64[k * 8]!;
  }

  /** Whether record k passes the filter (its limit aside). */
  matches(k: number, filter: FlowLogFilter, names: FlowLogNames): boolean {
    if (filter.sinceMs !== undefined && this.f64[k * 8]! < filter.sinceMs) return false;
    if (filter.action !== undefined && ACTION_NAMES[this.u8[k * 64 + B_ACTION]!] !== filter.action)
      return false;
    if (filter.tenant !== undefined || filter.workload !== undefined) {
      const label = names.label(this.u32[k * 16 + W_LABEL]!);
      if (!label) return false;
      if (filter.tenant !== undefined && label.tenant !== filter.tenant) return false;
      if (filter.workload !== undefined && label.workload !== filter.workload) return false;
    }
    if (filter.rule !== undefined) {
      const handle = this.u32[k * 16 + W_RULE]!;
      if (handle === NO_RULE || names.rule(handle)?.rule !== filter.rule) return false;
    }
    return true;
  }

  entry(k: number, names: FlowLogNames): FlowLogEntry {
    const label = names.label(this.u32[k * 16 + W_LABEL]!);
    const handle = this.u32[k * 16 + W_RULE]!;
    const ref = handle === NO_RULE ? undefined : names.rule(handle);
    const b = k * 64;
    return {
      at: this.f64[k * 8]!,
      tenant: label?.tenant ?? '',
      workload: label?.workload ?? '',
      vnic: label?.vnic ?? '',
      dir: this.u8[b + B_DIR] === 0 ? 'out' : 'in',
      src: this.#address(k, W_SRC),
      dst: this.#address(k, W_DST),
      proto: this.u8[b + B_PROTO]!,
      sport: this.u16[k * 32 + H_SPORT]!,
      dport: this.u16[k * 32 + H_DPORT]!,
      action: ACTION_NAMES[this.u8[b + B_ACTION]!]!,
      reason: REASON_NAMES[this.u8[b + B_REASON]!]!,
      rule: ref?.rule ?? null,
      policy: ref?.policy ?? null,
    };
  }

  #address(k: number, word: number): string {
    const w = k * 16 + word;
    return this.u8[k * 64 + B_FAMILY] === 4 ? formatIPv4(this.u32[w]!) : formatIPv6(this.u32, w);
  }
}

const WORDS = FLOW_LOG_RECORD_BYTES / 4;

/**
 * Packed records as stored: most of a record's sixteen 32-bit words are the same across a batch (time,
 * label, rule, the zero upper words of IPv4 addresses, the small fields), so each word position is kept
 * once when it is constant over the records and as a column otherwise. IPv4 records from one batch take
 * ~12-20 bytes instead of 64. Layout: u32 count · u32 mask of varying positions · the constant words ·
 * the varying columns, position by position.
 */
export function compressRecords(records: Uint8Array): ArrayBuffer {
  const n = records.length / FLOW_LOG_RECORD_BYTES;
  const words = new Uint32Array(records.buffer, records.byteOffset, n * WORDS);
  let mask = 0;
  for (let w = 0; w < WORDS; w++) {
    const first = words[w]!;
    for (let k = 1; k < n; k++)
      if (words[k * WORDS + w] !== first) {
        mask |= 1 << w;
        break;
      }
  }
  let varying = 0;
  for (let w = 0; w < WORDS; w++) if (mask & (1 << w)) varying++;
  const out = new Uint32Array(2 + (WORDS - varying) + varying * n);
  out[0] = n;
  out[1] = mask;
  let at = 2;
  for (let w = 0; w < WORDS; w++) if (!(mask & (1 << w))) out[at++] = n > 0 ? words[w]! : 0;
  for (let w = 0; w < WORDS; w++) {
    if (!(mask & (1 << w))) continue;
    for (let k = 0; k < n; k++) out[at++] = words[k * WORDS + w]!;
  }
  return out.buffer;
}

/** The records compressRecords packed, as 64-byte records again. */
export function expandRecords(packed: ArrayBuffer): FlowLogRecords {
  const src = new Uint32Array(packed);
  const n = src[0]!;
  const mask = src[1]!;
  const words = new Uint32Array(n * WORDS);
  let at = 2;
  for (let w = 0; w < WORDS; w++) {
    if (mask & (1 << w)) continue;
    const v = src[at++]!;
    for (let k = 0; k < n; k++) words[k * WORDS + w] = v;
  }
  for (let w = 0; w < WORDS; w++) {
    if (!(mask & (1 << w))) continue;
    for (let k = 0; k < n; k++) words[k * WORDS + w] = src[at++]!;
  }
  return new FlowLogRecords(words.buffer);
}
