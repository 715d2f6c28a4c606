import { FLOW_KEY_BYTES, FLOW_RECORD_BYTES } from '../dataplane/conntrack/index.js';

/** Rows per multi-row statement: two bound parameters a row, at most 100 per statement. */
const ROWS_PER_STATEMENT = 50;
/** Records per stored batch: just under 1 MB, well inside SQLite's 2 MB row limit. */
const RECORDS_PER_BATCH = 18_000;

/**
 * Conntrack flows in the object's SQLite storage. Normally one row per flow, keyed by the record's key
 * bytes. Flows that arrive by migration are first written as a few large batch rows (one durable write
 * instead of 100k row inserts) and turned into per-flow rows later by `compact`; a per-flow row always
 * wins over a batched copy of the same flow.
 */
export class FlowStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec('CREATE TABLE IF NOT EXISTS flows (key BLOB PRIMARY KEY, rec BLOB NOT NULL) WITHOUT ROWID');
    sql.exec(
      'CREATE TABLE IF NOT EXISTS flow_batches (id INTEGER PRIMARY KEY AUTOINCREMENT, recs BLOB NOT NULL)',
    );
  }

  /** Every stored record, packed back to back: batches first, then rows, so rows override. */
  loadAll(): Uint8Array {
    const batches = this.#sql
      .exec<{ recs: ArrayBuffer }>('SELECT recs FROM flow_batches ORDER BY id')
      .toArray();
    const rows = this.#sql.exec<{ rec: ArrayBuffer }>('SELECT rec FROM flows').toArray();
    const batchBytes = batches.reduce((n, b) => n + b.recs.byteLength, 0);
    const out = new Uint8Array(batchBytes + rows.length * FLOW_RECORD_BYTES);
    let at = 0;
    for (const b of batches) {
      out.set(new Uint8Array(b.recs), at);
      at += b.recs.byteLength;
    }
    for (const r of rows) {
      out.set(new Uint8Array(r.rec), at);
      at += FLOW_RECORD_BYTES;
    }
    return out;
  }

  /** Stored flows, counting batched ones (which `compact` has not yet turned into rows). */
  count(): number {
    const rows = this.#sql.exec<{ n: number }>('SELECT count(*) AS n FROM flows').one().n;
    const batched = this.#sql
      .exec<{ n: number | null }>('SELECT sum(length(recs)) AS n FROM flow_batches')
      .one().n;
    return rows + (batched ?? 0) / FLOW_RECORD_BYTES;
  }

  /** Writes many records as batch rows (migration import). */
  appendBatch(records: Uint8Array): void {
    const step = RECORDS_PER_BATCH * FLOW_RECORD_BYTES;
    for (let off = 0; off < records.length; off += step)
      this.#sql.exec('INSERT INTO flow_batches (recs) VALUES (?)', records.slice(off, off + step).buffer);
  }

  hasBatches(): boolean {
    return this.#sql.exec('SELECT 1 FROM flow_batches LIMIT 1').toArray().length > 0;
  }

  /**
   * Turns the oldest batch into per-flow rows holding `current(record)`: the flow as it is now, or null
   * when it is gone (then it is dropped, and so is any row of it).
   */
  compact(current: (records: Uint8Array, off: number) => Uint8Array | null): void {
    const batch = this.#sql
      .exec<{ id: number; recs: ArrayBuffer }>('SELECT id, recs FROM flow_batches ORDER BY id LIMIT 1')
      .toArray()[0];
    if (!batch) return;
    const recs = new Uint8Array(batch.recs);
    const live = new Uint8Array(recs.length);
    let n = 0;
    for (let off = 0; off < recs.length; off += FLOW_RECORD_BYTES) {
      const now = current(recs, off);
      if (!now) continue;
      live.set(now, n);
      n += FLOW_RECORD_BYTES;
    }
    this.#upsert(live.subarray(0, n));
    this.#sql.exec('DELETE FROM flow_batches WHERE id = ?', batch.id);
  }

  /**
   * Deletes every stored flow row of these vNICs with one key-range delete each (keys start with the
   * vNIC handle's four little-endian bytes). Batched copies are dropped when compacted.
   */
  deleteVnics(handles: readonly number[]): void {
    for (const h of handles) {
      const lo = new Uint8Array(4);
      new DataView(lo.buffer).setUint32(0, h, true);
      const hi = new Uint8Array(FLOW_KEY_BYTES).fill(0xff);
      hi.set(lo);
      this.#sql.exec('DELETE FROM flows WHERE key >= ? AND key <= ?', lo.buffer, hi.buffer);
    }
  }

  /**
   * Applies what changed since the last call (both as packed flow records); runs inside the caller's event,
   * so it commits with it. Deletes of `skipVnics` are left out (the caller range-deletes those).
   */
  apply(upserts: Uint8Array, deletes: Uint8Array, skipVnics?: ReadonlySet<number>): void {
    this.#upsert(upserts);
    const kept = skipVnics?.size ? withoutVnics(deletes, skipVnics) : deletes;
    const d = kept.length / FLOW_RECORD_BYTES;
    for (let start = 0; start < d; start += 100) {
      const rows = Math.min(100, d - start);
      const keys: ArrayBuffer[] = [];
      for (let i = start; i < start + rows; i++)
        keys.push(kept.slice(i * FLOW_RECORD_BYTES, i * FLOW_RECORD_BYTES + FLOW_KEY_BYTES).buffer);
      this.#sql.exec(`DELETE FROM flows WHERE key IN (${new Array(rows).fill('?').join(', ')})`, ...keys);
    }
  }

  #upsert(records: Uint8Array): void {
    const n = records.length / FLOW_RECORD_BYTES;
    for (let start = 0; start < n; start += ROWS_PER_STATEMENT) {
      const rows = Math.min(ROWS_PER_STATEMENT, n - start);
      const params: ArrayBuffer[] = [];
      for (let i = start; i < start + rows; i++) {
        const rec = records.slice(i * FLOW_RECORD_BYTES, (i + 1) * FLOW_RECORD_BYTES);
        params.push(rec.slice(0, FLOW_KEY_BYTES).buffer, rec.buffer);
      }
      this.#sql.exec(
        `INSERT OR REPLACE INTO flows (key, rec) VALUES ${new Array(rows).fill('(?, ?)').join(', ')}`,
        ...params,
      );
    }
  }
}

/** The records whose vNIC (first four bytes) is not in `vnics`. */
export function withoutVnics(records: Uint8Array, vnics: ReadonlySet<number>): Uint8Array {
  return filterRecords(records, (vnic) => !vnics.has(vnic));
}

export function onlyVnics(records: Uint8Array, vnics: ReadonlySet<number>): Uint8Array {
  return filterRecords(records, (vnic) => vnics.has(vnic));
}

function filterRecords(records: Uint8Array, keep: (vnic: number) => boolean): Uint8Array {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const out = new Uint8Array(records.length);
  let n = 0;
  for (let off = 0; off < records.length; off += FLOW_RECORD_BYTES) {
    if (!keep(view.getUint32(off, true))) continue;
    out.set(records.subarray(off, off + FLOW_RECORD_BYTES), n);
    n += FLOW_RECORD_BYTES;
  }
  return out.subarray(0, n);
}
