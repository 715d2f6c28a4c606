export interface RuleStats {
  policy: string;
  rule: string;
  hits: number;
  packets: number;
  bytes: number;
  sessions: number;
}

export interface CounterColumns {
  hits: number[];
  packets: number[];
  bytes: number[];
  sessions: number[];
}

/** Per-rule-handle counters in typed arrays; float64 so byte counts do not wrap. */
export class RuleCounters {
  hits: Float64Array = new Float64Array(64);
  packets: Float64Array = new Float64Array(64);
  bytes: Float64Array = new Float64Array(64);
  sessions: Float64Array = new Float64Array(64);

  /** Makes room for handles below `size`. */
  reserve(size: number): void {
    if (size <= this.hits.length) return;
    let capacity = this.hits.length;
    while (capacity < size) capacity *= 2;
    this.hits = grown(this.hits, capacity);
    this.packets = grown(this.packets, capacity);
    this.bytes = grown(this.bytes, capacity);
    this.sessions = grown(this.sessions, capacity);
  }

  /** A rule decided the packet. */
  hit(handle: number, len: number): void {
    this.hits[handle]! += 1;
    this.packets[handle]! += 1;
    this.bytes[handle]! += len;
  }

  /** A packet of a flow the rule admitted; unknown handles (e.g. imported flows) are not counted. */
  packet(handle: number, len: number): void {
    if (handle >= this.packets.length) return;
    this.packets[handle]! += 1;
    this.bytes[handle]! += len;
  }

  session(handle: number): void {
    this.sessions[handle]! += 1;
  }

  columns(size: number): CounterColumns {
    return {
      hits: Array.from(this.hits.subarray(0, size)),
      packets: Array.from(this.packets.subarray(0, size)),
      bytes: Array.from(this.bytes.subarray(0, size)),
      sessions: Array.from(this.sessions.subarray(0, size)),
    };
  }

  load(columns: CounterColumns): void {
    const size = columns.hits.length;
    this.reserve(size);
    for (let h = 0; h < size; h++) {
      this.hits[h] = columns.hits[h]!;
      this.packets[h] = columns.packets[h]!;
      this.bytes[h] = columns.bytes[h]!;
      this.sessions[h] = columns.sessions[h]!;
    }
  }
}

function grown(a: Float64Array, capacity: number): Float64Array {
  const out = new Float64Array(capacity);
  out.set(a);
  return out;
}
