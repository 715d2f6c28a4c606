import {
  B_ACTION,
  B_DIR,
  B_FAMILY,
  B_PROTO,
  B_REASON,
  FLOW_LOG_RECORD_BYTES,
  FlowLogRecords,
  W_DST,
  W_PORTS,
  W_LABEL,
  W_RULE,
  W_SRC,
  type FlowLogEntry,
  type FlowLogFilter,
  type FlowLogNames,
} from './flow-log-records.js';

export type { FlowLogEntry, FlowLogFilter } from './flow-log-records.js';

/**
 * A bounded ring of rule decisions as packed records (see flow-log-records.ts), so appending allocates
 * nothing; entries become objects (and addresses text) only when read. `takeNew` hands the records
 * appended since its last call to whoever stores them.
 */
export class FlowLog {
  capacity: number;
  readonly #maxCapacity: number;
  #ring: FlowLogRecords;
  #f64: Float64Array;
  #u32: Uint32Array;
  #u8: Uint8Array;
  #next = 0;
  #count = 0;
  #appended = 0;
  #taken = 0;

  /**
   * Up to `maxCapacity` (default `capacity`), the ring doubles instead of overwriting a record not yet
   * taken: a hypervisor that takes after every batch keeps a small ring unless one batch logs more.
   */
  constructor(capacity: number, maxCapacity = capacity) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('flowLogCapacity must be a positive integer');
    if (!Number.isInteger(maxCapacity) || maxCapacity < capacity)
      throw new RangeError('flowLogMaxCapacity must be an integer of at least flowLogCapacity');
    this.capacity = capacity;
    this.#maxCapacity = maxCapacity;
    this.#ring = new FlowLogRecords(new ArrayBuffer(capacity * FLOW_LOG_RECORD_BYTES));
    this.#f64 = this.#ring.f64;
    this.#u32 = this.#ring.u32;
    this.#u8 = this.#ring.u8;
  }

  /** The same records, oldest first from slot 0, in a ring twice as large (at most the maximum). */
  #grow(): void {
    const size = Math.min(2 * this.capacity, this.#maxCapacity);
    const bytes = new Uint8Array(size * FLOW_LOG_RECORD_BYTES);
    const oldest = (this.#next - this.#count + this.capacity) % this.capacity;
    const head = Math.min(this.#count, this.capacity - oldest);
    bytes.set(this.#u8.subarray(oldest * FLOW_LOG_RECORD_BYTES, (oldest + head) * FLOW_LOG_RECORD_BYTES));
    bytes.set(
      this.#u8.subarray(0, (this.#count - head) * FLOW_LOG_RECORD_BYTES),
      head * FLOW_LOG_RECORD_BYTES,
    );
    this.#ring = new FlowLogRecords(bytes.buffer);
    this.#f64 = this.#ring.f64;
    this.#u32 = this.#ring.u32;
    this.#u8 = this.#ring.u8;
    this.#next = this.#count;
    this.capacity = size;
  }

  get size(): number {
    return this.#count;
  }

  /** Appends packet `i` of a batch's columns (addresses: 4 words per packet). */
  append(
    at: number,
    label: number,
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
    if (this.#appended - this.#taken === this.capacity && this.capacity < this.#maxCapacity) this.#grow();
    const k = this.#next;
    const u32 = this.#u32;
    const u8 = this.#u8;
    const w = k << 4;
    const b = k << 6;
    const p = i << 2;
    this.#f64[k << 3] = at;
    u32[w + W_LABEL] = label;
    u32[w + W_RULE] = rule;
    u32[w + W_SRC] = src[p]!;
    u32[w + W_SRC + 1] = src[p + 1]!;
    u32[w + W_SRC + 2] = src[p + 2]!;
    u32[w + W_SRC + 3] = src[p + 3]!;
    u32[w + W_DST] = dst[p]!;
    u32[w + W_DST + 1] = dst[p + 1]!;
    u32[w + W_DST + 2] = dst[p + 2]!;
    u32[w + W_DST + 3] = dst[p + 3]!;
    u32[w + W_PORTS] = sport | (dport << 16);
    u8[b + B_DIR] = dir;
    u8[b + B_FAMILY] = family;
    u8[b + B_PROTO] = proto;
    u8[b + B_ACTION] = action;
    u8[b + B_REASON] = reason;
    this.#next = k + 1 === this.capacity ? 0 : k + 1;
    if (this.#count < this.capacity) this.#count++;
    this.#appended++;
  }

  /**
   * The records appended since the last call, oldest first, as one or two views into the ring (valid until
   * the next append: copy or store them at once); `lost` counts those the ring overwrote before they were
   * taken (none while the caller takes at least every `capacity` appends).
   */
  takeNew(): { segments: Uint8Array[]; lost: number } {
    const pending = this.#appended - this.#taken;
    const n = Math.min(pending, this.capacity);
    this.#taken = this.#appended;
    const first = (this.#next - n + this.capacity) % this.capacity;
    const head = Math.min(n, this.capacity - first);
    const ring = this.#u8;
    const segments = n === 0 ? [] : [ring.subarray(first * 64, (first + head) * 64)];
    if (head < n) segments.push(ring.subarray(0, (n - head) * 64));
    return { segments, lost: pending - n };
  }

  /** Matching entries, newest first. */
  read(filter: FlowLogFilter, names: FlowLogNames): FlowLogEntry[] {
    const limit = filter.limit ?? Infinity;
    const out: FlowLogEntry[] = [];
    for (let n = 0; n < this.#count && out.length < limit; n++) {
      const k = (this.#next - 1 - n + this.capacity) % this.capacity;
      if (this.#ring.matches(k, filter, names)) out.push(this.#ring.entry(k, names));
    }
    return out;
  }
}
