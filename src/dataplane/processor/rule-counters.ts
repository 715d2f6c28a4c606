export interface RuleStats {
  policy: string;
  rule: string;
  hits: number;
  packets: number;
  bytes: number;
  sessions: number;
  /** ms of the last packet the rule decided, or null when it never decided one */
  lastHit: number | null;
  /** ms since which this hypervisor counts for the rule (when it first installed it) */
  countersSince: number;
}

export interface CounterColumns {
  hits: number[];
  packets: number[];
  bytes: number[];
  sessions: number[];
  lastHit?: number[];
  since?: number[];
}

/** Handles per stored counter block: a block is one small row (6 columns × 64 float64 = 3 KB). */
export const COUNTER_BLOCK_HANDLES = 64;
const COLUMNS = 6;

/** One block of counters as stored: the six columns of its handles, one after the other. */
export interface CounterBlock {
  block: number;
  data: Float64Array;
}

/**
 * Per-rule-handle counters in typed arrays; float64 so byte counts do not wrap. Blocks of handles whose
 * counters changed are marked, so the object writes only those.
 */
export class RuleCounters {
  hits: Float64Array = new Float64Array(64);
  packets: Float64Array = new Float64Array(64);
  bytes: Float64Array = new Float64Array(64);
  sessions: Float64Array = new Float64Array(64);
  /** ms; 0 = never */
  lastHit: Float64Array = new Float64Array(64);
  since: Float64Array = new Float64Array(64);
  /** one flag per block of COUNTER_BLOCK_HANDLES handles: changed since the last takeDirtyBlocks */
  dirty: Uint8Array = new Uint8Array(1);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Makes room for handles below `size`; handles new here start counting at `nowMs`. */
  reserve(size: number, nowMs: number): void {
    if (size > this.hits.length) {
      let capacity = this.hits.length;
      while (capacity < size) capacity *= 2;
      this.hits = grown(this.hits, capacity);
      this.packets = grown(this.packets, capacity);
      this.bytes = grown(this.bytes, capacity);
      this.sessions = grown(this.sessions, capacity);
      this.lastHit = grown(this.lastHit, capacity);
      this.since = grown(this.since, capacity);
      const dirty = new Uint8Array(Math.ceil(capacity / COUNTER_BLOCK_HANDLES));
      dirty.set(this.dirty);
      this.dirty = dirty;
    }
    for (let h = this.#size; h < size; h++) {
      this.since[h] = nowMs;
      this.dirty[(h / COUNTER_BLOCK_HANDLES) | 0] = 1;
    }
    this.#size = Math.max(this.#size, size);
  }

  /** A rule decided the packet. */
  hit(handle: number, len: number, nowMs: number): void {
    this.hits[handle]! += 1;
    this.packets[handle]! += 1;
    this.bytes[handle]! += len;
    this.lastHit[handle] = nowMs;
    this.dirty[(handle / COUNTER_BLOCK_HANDLES) | 0] = 1;
  }

  /** A packet of a flow the rule admitted; unknown handles (e.g. imported flows) are not counted. */
  packet(handle: number, len: number): void {
    if (handle >= this.#size) return;
    this.packets[handle]! += 1;
    this.bytes[handle]! += len;
    this.dirty[(handle / COUNTER_BLOCK_HANDLES) | 0] = 1;
  }

  session(handle: number): void {
    this.sessions[handle]! += 1;
    this.dirty[(handle / COUNTER_BLOCK_HANDLES) | 0] = 1;
  }

  /** The blocks changed since the last call, as stored (and the marks cleared). */
  takeDirtyBlocks(): CounterBlock[] {
    const out: CounterBlock[] = [];
    const blocks = Math.ceil(this.#size / COUNTER_BLOCK_HANDLES);
    for (let b = 0; b < blocks; b++) {
      if (this.dirty[b] === 0) continue;
      this.dirty[b] = 0;
      out.push({ block: b, data: this.#blockData(b) });
    }
    return out;
  }

  #blockData(b: number): Float64Array {
    const n = COUNTER_BLOCK_HANDLES;
    const from = b * n;
    const data = new Float64Array(COLUMNS * n);
    const cols = [this.hits, this.packets, this.bytes, this.sessions, this.lastHit, this.since];
    cols.forEach((col, c) => data.set(col.subarray(from, Math.min(from + n, this.#size)), c * n));
    return data;
  }

  /** Restores a stored block; its handles must have been reserved. */
  loadBlock(block: CounterBlock): void {
    const n = COUNTER_BLOCK_HANDLES;
    if (block.data.length !== COLUMNS * n)
      throw new TypeError(
        `counter block ${block.block} has ${block.data.length} numbers, not ${COLUMNS * n}`,
      );
    const from = block.block * n;
    const to = Math.min(from + n, this.#size);
    const cols = [this.hits, this.packets, this.bytes, this.sessions, this.lastHit, this.since];
    cols.forEach((col, c) => col.set(block.data.subarray(c * n, c * n + (to - from)), from));
  }

  columns(size: number): Required<CounterColumns> {
    return {
      hits: Array.from(this.hits.subarray(0, size)),
      packets: Array.from(this.packets.subarray(0, size)),
      bytes: Array.from(this.bytes.subarray(0, size)),
      sessions: Array.from(this.sessions.subarray(0, size)),
      lastHit: Array.from(this.lastHit.subarray(0, size)),
      since: Array.from(this.since.subarray(0, size)),
    };
  }

  load(columns: CounterColumns, nowMs: number): void {
    const size = columns.hits.length;
    this.reserve(size, nowMs);
    for (let h = 0; h < size; h++) {
      this.hits[h] = columns.hits[h]!;
      this.packets[h] = columns.packets[h]!;
      this.bytes[h] = columns.bytes[h]!;
      this.sessions[h] = columns.sessions[h]!;
      this.lastHit[h] = columns.lastHit?.[h] ?? 0;
      this.since[h] = columns.since?.[h] ?? nowMs;
      this.dirty[(h / COUNTER_BLOCK_HANDLES) | 0] = 1;
    }
  }
}

function grown(a: Float64Array, capacity: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(a);
  return out;
}
