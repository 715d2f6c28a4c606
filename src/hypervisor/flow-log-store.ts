import {
  compressRecords,
  expandRecords,
  FLOW_LOG_RECORD_BYTES,
  FlowLogRecords,
  type FlowLogEntry,
  type FlowLogFilter,
  type FlowLogNames,
} from '../dataplane/processor/index.js';

/** Entries kept per hypervisor: the newest this many; older ones are deleted as new ones arrive. */
export const FLOW_LOG_RETAINED = 100_000;
/** Records per stored row (64 KB before compression), so pruning rewrites little and a read touches few rows. */
const RECORDS_PER_ROW = 1024;

export interface FlowLogPage {
  /** newest first; `seq` orders the entries of this hypervisor (larger = newer) */
  entries: (FlowLogEntry & { seq: number })[];
  /** whether older matching entries remain (read them with beforeSeq = the last entry's seq) */
  more: boolean;
}

/**
 * The flow log in the object's SQLite: 64-byte records (flow-log-records.ts) numbered by a sequence,
 * in rows of up to 1,024 consecutive records, compressed by word position (compressRecords). A row knows its sequence range and newest time,
 * so reads go newest first and skip rows older than `since` without decoding them.
 */
export class FlowLogStore {
  #sql: SqlStorage;
  readonly #retained: number;
  /** sequence of the newest stored record (0 = none yet) and of the oldest still kept */
  #newest = 0;
  #oldest = 1;

  constructor(sql: SqlStorage, retained = FLOW_LOG_RETAINED) {
    this.#sql = sql;
    this.#retained = retained;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS flow_log (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, last_at REAL NOT NULL, recs BLOB NOT NULL)',
    );
    const range = sql
      .exec<{ lo: number | null; hi: number | null }>(
        'SELECT min(first_seq) AS lo, max(last_seq) AS hi FROM flow_log',
      )
      .one();
    if (range.hi !== null) {
      this.#newest = range.hi;
      this.#oldest = range.lo!;
    }
  }

  get size(): number {
    return this.#newest - this.#oldest + 1;
  }

  /** Appends packed records (oldest first) and prunes beyond the retention; runs inside the caller's event. */
  append(records: Uint8Array): void {
    const n = records.length / FLOW_LOG_RECORD_BYTES;
    for (let start = 0; start < n; start += RECORDS_PER_ROW) {
      const count = Math.min(RECORDS_PER_ROW, n - start);
      const bytes = records.subarray(start * FLOW_LOG_RECORD_BYTES, (start + count) * FLOW_LOG_RECORD_BYTES);
      const view = new FlowLogRecords(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
      let lastAt = -Number.MAX_VALUE;
      for (let k = 0; k < count; k++) lastAt = Math.max(lastAt, view.at(k));
      const first = this.#newest + 1;
      this.#sql.exec(
        'INSERT INTO flow_log (first_seq, last_seq, last_at, recs) VALUES (?, ?, ?, ?)',
        first,
        first + count - 1,
        lastAt,
        compressRecords(bytes),
      );
      this.#newest += count;
    }
    this.#prune();
  }

  #prune(): void {
    const cutoff = this.#newest - this.#retained;
    if (this.#oldest > cutoff) return;
    this.#sql.exec('DELETE FROM flow_log WHERE last_seq <= ?', cutoff);
    const straddling = this.#sql
      .exec<{ first_seq: number; recs: ArrayBuffer }>(
        'SELECT first_seq, recs FROM flow_log WHERE first_seq <= ?',
        cutoff,
      )
      .toArray()[0];
    if (straddling) {
      const drop = (cutoff + 1 - straddling.first_seq) * FLOW_LOG_RECORD_BYTES;
      const kept = expandRecords(straddling.recs).u8.subarray(drop);
      this.#sql.exec(
        'UPDATE flow_log SET first_seq = ?, recs = ? WHERE first_seq = ?',
        cutoff + 1,
        compressRecords(kept),
        straddling.first_seq,
      );
    }
    this.#oldest = cutoff + 1;
  }

  /** Up to `limit` entries matching the filter, newest first, older than `beforeSeq` when given. */
  read(
    filter: FlowLogFilter,
    names: FlowLogNames,
    beforeSeq: number | undefined,
    limit: number,
  ): FlowLogPage {
    const entries: FlowLogPage['entries'] = [];
    const rows = this.#sql.exec<{ first_seq: number; recs: ArrayBuffer }>(
      'SELECT first_seq, recs FROM flow_log WHERE first_seq < ? AND last_at >= ? ORDER BY first_seq DESC',
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      filter.sinceMs ?? -Number.MAX_VALUE,
    );
    for (const row of rows) {
      const records = expandRecords(row.recs);
      for (let k = records.count - 1; k >= 0; k--) {
        const seq = row.first_seq + k;
        if (beforeSeq !== undefined && seq >= beforeSeq) continue;
        if (!records.matches(k, filter, names)) continue;
        if (entries.length === limit) return { entries, more: true };
        entries.push({ ...records.entry(k, names), seq });
      }
    }
    return { entries, more: false };
  }
}
