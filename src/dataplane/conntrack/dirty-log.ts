import { FLOW_RECORD_BYTES, writeFlowRecord } from './flow-record.js';
import type { FlowStore } from './flow-store.js';

/**
 * Flows changed since the last take: entries marked dirty (by ref, deduplicated by the entry's
 * AUX_DIRTY bit, so a list item whose bit is clear is stale) and the records of deleted flows,
 * written at delete time because the entry is reused afterwards.
 */
export class DirtyLog {
  #refs = new Int32Array(64);
  #refCount = 0;
  #deletes = new Uint8Array(FLOW_RECORD_BYTES * 16);
  #deleteView = new DataView(this.#deletes.buffer);
  #deleteCount = 0;

  get pendingRefs(): number {
    return this.#refCount;
  }

  push(ref: number): void {
    if (this.#refCount === this.#refs.length) {
      const grown = new Int32Array(this.#refs.length * 2);
      grown.set(this.#refs);
      this.#refs = grown;
    }
    this.#refs[this.#refCount++] = ref;
  }

  recordDelete(store: FlowStore, id: number): void {
    const end = (this.#deleteCount + 1) * FLOW_RECORD_BYTES;
    if (end > this.#deletes.length) {
      const grown = new Uint8Array(this.#deletes.length * 2);
      grown.set(this.#deletes);
      this.#deletes = grown;
      this.#deleteView = new DataView(grown.buffer);
    }
    writeFlowRecord(store, id, this.#deleteView, this.#deleteCount * FLOW_RECORD_BYTES);
    this.#deleteCount++;
  }

  /** Returns the marked refs and the delete records, and starts a new log. */
  take(): { refs: Int32Array; deletes: Uint8Array } {
    const out = {
      refs: this.#refs.slice(0, this.#refCount),
      deletes: this.#deletes.slice(0, this.#deleteCount * FLOW_RECORD_BYTES),
    };
    this.#refCount = 0;
    this.#deleteCount = 0;
    if (this.#refs.length > 4096) this.#refs = new Int32Array(64);
    if (this.#deletes.length > FLOW_RECORD_BYTES * 4096) {
      this.#deletes = new Uint8Array(FLOW_RECORD_BYTES * 16);
      this.#deleteView = new DataView(this.#deletes.buffer);
    }
    return out;
  }
}
