import { FLOW_KEY_BYTES, FLOW_RECORD_BYTES } from '../dataplane/conntrack/index.js';

/** Rows per multi-row statement: two bound parameters a row, at most 100 per statement. */
const ROWS_PER_STATEMENT = 50;

/** Conntrack flows in the object's SQLite storage: one row per flow, keyed by the record's key bytes. */
export class FlowStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec('CREATE TABLE IF NOT EXISTS flows (key BLOB PRIMARY KEY, rec BLOB NOT NULL) WITHOUT ROWID');
  }

  /** Every stored record, packed back to back. */
  loadAll(): Uint8Array {
    const rows = this.#sql.exec<{ rec: ArrayBuffer }>('SELECT rec FROM flows').toArray();
    const out = new Uint8Array(rows.length * FLOW_RECORD_BYTES);
    rows.forEach((r, i) => out.set(new Uint8Array(r.rec), i * FLOW_RECORD_BYTES));
    return out;
  }

  count(): number {
    return this.#sql.exec<{ n: number }>('SELECT count(*) AS n FROM flows').one().n;
  }

  /** Applies what changed since the last call (both as packed flow records); runs inside the caller's event, so it commits with it. */
  apply(upserts: Uint8Array, deletes: Uint8Array): void {
    const n = upserts.length / FLOW_RECORD_BYTES;
    for (let start = 0; start < n; start += ROWS_PER_STATEMENT) {
      const rows = Math.min(ROWS_PER_STATEMENT, n - start);
      const params: ArrayBuffer[] = [];
      for (let i = start; i < start + rows; i++) {
        const rec = upserts.slice(i * FLOW_RECORD_BYTES, (i + 1) * FLOW_RECORD_BYTES);
        params.push(rec.slice(0, FLOW_KEY_BYTES).buffer, rec.buffer);
      }
      this.#sql.exec(
        `INSERT OR REPLACE INTO flows (key, rec) VALUES ${new Array(rows).fill('(?, ?)').join(', ')}`,
        ...params,
      );
    }
    const d = deletes.length / FLOW_RECORD_BYTES;
    for (let start = 0; start < d; start += 100) {
      const rows = Math.min(100, d - start);
      const keys: ArrayBuffer[] = [];
      for (let i = start; i < start + rows; i++)
        keys.push(deletes.slice(i * FLOW_RECORD_BYTES, i * FLOW_RECORD_BYTES + FLOW_KEY_BYTES).buffer);
      this.#sql.exec(`DELETE FROM flows WHERE key IN (${new Array(rows).fill('?').join(', ')})`, ...keys);
    }
  }
}
