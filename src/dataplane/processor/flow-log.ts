import { formatIPv4, formatIPv6 } from '../../net/ip.js';
import { NO_RULE, type ActionName, type ReasonName } from '../codec/index.js';
import type { RuleRef } from './rule-handles.js';
import type { VnicLabel } from './tenant-state.js';

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

/**
 * A bounded ring of rule decisions, kept in columns so appending allocates nothing; entries become
 * objects (and addresses text) only when read.
 */
export class FlowLog {
  readonly capacity: number;
  #next = 0;
  #count = 0;
  readonly #at: Float64Array;
  readonly #label: (VnicLabel | undefined)[];
  readonly #dir: Uint8Array;
  readonly #family: Uint8Array;
  readonly #proto: Uint8Array;
  readonly #action: Uint8Array;
  readonly #reason: Uint8Array;
  readonly #sport: Uint16Array;
  readonly #dport: Uint16Array;
  readonly #rule: Uint32Array;
  readonly #src: Uint32Array;
  readonly #dst: Uint32Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('flowLogCapacity must be a positive integer');
    this.capacity = capacity;
    this.#at = new Float64Array(capacity);
    this.#label = new Array<VnicLabel | undefined>(capacity).fill(undefined);
    this.#dir = new Uint8Array(capacity);
    this.#family = new Uint8Array(capacity);
    this.#proto = new Uint8Array(capacity);
    this.#action = new Uint8Array(capacity);
    this.#reason = new Uint8Array(capacity);
    this.#sport = new Uint16Array(capacity);
    this.#dport = new Uint16Array(capacity);
    this.#rule = new Uint32Array(capacity);
    this.#src = new Uint32Array(capacity * 4);
    this.#dst = new Uint32Array(capacity * 4);
  }

  get size(): number {
    return this.#count;
  }

  /** Appends packet `i` of a batch's columns (addresses: 4 words per packet). */
  append(
    at: number,
    label: VnicLabel,
    dir: number,
    family: number,
    proto: number,
    sport: number,
    dport: number,
    src: Uint32Array,
    dst: Uint32Array,
    i: number,
    action: number,
    reason: number,
    rule: number,
  ): void {
    const k = this.#next;
    this.#at[k] = at;
    this.#label[k] = label;
    this.#dir[k] = dir;
    this.#family[k] = family;
    this.#proto[k] = proto;
    this.#sport[k] = sport;
    this.#dport[k] = dport;
    this.#action[k] = action;
    this.#reason[k] = reason;
    this.#rule[k] = rule;
    this.#src.set(src.subarray(i * 4, i * 4 + 4), k * 4);
    this.#dst.set(dst.subarray(i * 4, i * 4 + 4), k * 4);
    this.#next = k + 1 === this.capacity ? 0 : k + 1;
    if (this.#count < this.capacity) this.#count++;
  }

  /** Matching entries, newest first. */
  read(filter: FlowLogFilter, ruleRef: (handle: number) => RuleRef | undefined): FlowLogEntry[] {
    const limit = filter.limit ?? Infinity;
    const out: FlowLogEntry[] = [];
    for (let n = 0; n < this.#count && out.length < limit; n++) {
      const k = (this.#next - 1 - n + this.capacity) % this.capacity;
      const at = this.#at[k]!;
      if (filter.sinceMs !== undefined && at < filter.sinceMs) continue;
      const label = this.#label[k]!;
      if (filter.tenant !== undefined && label.tenant !== filter.tenant) continue;
      if (filter.workload !== undefined && label.workload !== filter.workload) continue;
      const action = ACTION_NAMES[this.#action[k]!]!;
      if (filter.action !== undefined && action !== filter.action) continue;
      const handle = this.#rule[k]!;
      const ref = handle === NO_RULE ? undefined : ruleRef(handle);
      if (filter.rule !== undefined && ref?.rule !== filter.rule) continue;
      out.push({
        at,
        tenant: label.tenant,
        workload: label.workload,
        vnic: label.vnic,
        dir: this.#dir[k] === 0 ? 'out' : 'in',
        src: this.#address(this.#src, k),
        dst: this.#address(this.#dst, k),
        proto: this.#proto[k]!,
        sport: this.#sport[k]!,
        dport: this.#dport[k]!,
        action,
        reason: REASON_NAMES[this.#reason[k]!]!,
        rule: ref?.rule ?? null,
        policy: ref?.policy ?? null,
      });
    }
    return out;
  }

  #address(words: Uint32Array, k: number): string {
    return this.#family[k] === 4 ? formatIPv4(words[k * 4]!) : formatIPv6(words, k * 4);
  }
}
