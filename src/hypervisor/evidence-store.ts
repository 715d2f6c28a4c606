import type { CounterBlock, DataPlane, RuleRef, VnicLabel } from '../dataplane/processor/index.js';
import type { TallyBlock, VerdictTally } from '../metrics/verdict-tally.js';

/** Rows per multi-row insert: four bound parameters a row, at most 100 per statement. */
const ROWS_PER_STATEMENT = 25;

export interface StoredEvidence {
  rules: RuleRef[];
  labels: VnicLabel[];
  blocks: CounterBlock[];
}

/**
 * The data plane's evidence tables in the object's SQLite: rule names by handle and vNIC labels by id
 * (both only grow, so only new ones are written) and rule counters in blocks of handles (only the blocks
 * that changed are written).
 */
export class EvidenceStore {
  #sql: SqlStorage;
  #rules = 0;
  #labels = 0;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS rule_names (handle INTEGER PRIMARY KEY, tenant TEXT NOT NULL, policy TEXT NOT NULL, rule TEXT NOT NULL)',
    );
    sql.exec(
      'CREATE TABLE IF NOT EXISTS vnic_labels (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, workload TEXT NOT NULL, vnic TEXT NOT NULL)',
    );
    sql.exec('CREATE TABLE IF NOT EXISTS rule_counters (block INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    sql.exec('CREATE TABLE IF NOT EXISTS verdict_counts (tenant TEXT PRIMARY KEY, data BLOB NOT NULL)');
  }

  /** Packets and bytes per (tenant, action, reason) for /metrics (see verdict-tally.ts). */
  loadVerdicts(): TallyBlock[] {
    return this.#sql
      .exec<{ tenant: string; data: ArrayBuffer }>('SELECT tenant, data FROM verdict_counts')
      .toArray()
      .map((r) => ({ tenant: r.tenant, data: new Float64Array(r.data.slice(0)) }));
  }

  /** The tenants' verdict counts that changed since the last save; one row per tenant a batch touched. */
  saveVerdicts(tally: VerdictTally): void {
    for (const b of tally.takeDirty())
      this.#sql.exec(
        'INSERT OR REPLACE INTO verdict_counts (tenant, data) VALUES (?, ?)',
        b.tenant,
        b.data.buffer,
      );
  }

  load(): StoredEvidence {
    const rules = this.#sql
      .exec<{ tenant: string; policy: string; rule: string }>(
        'SELECT tenant, policy, rule FROM rule_names ORDER BY handle',
      )
      .toArray()
      .map((r) => ({ tenant: r.tenant, policy: r.policy, rule: r.rule }));
    const labels = this.#sql
      .exec<{ tenant: string; workload: string; vnic: string }>(
        'SELECT tenant, workload, vnic FROM vnic_labels ORDER BY id',
      )
      .toArray()
      .map((r) => ({ tenant: r.tenant, workload: r.workload, vnic: r.vnic }));
    const blocks = this.#sql
      .exec<{ block: number; data: ArrayBuffer }>('SELECT block, data FROM rule_counters')
      .toArray()
      .map((r) => ({ block: r.block, data: new Float64Array(r.data.slice(0)) }));
    this.#rules = rules.length;
    this.#labels = labels.length;
    return { rules, labels, blocks };
  }

  /** Writes what changed in the data plane since the last save; runs inside the caller's event. */
  save(plane: DataPlane): void {
    if (plane.ruleHandleCount > this.#rules) {
      const rows = plane.ruleNames(this.#rules).map((r, i) => [this.#rules + i, r.tenant, r.policy, r.rule]);
      this.#insert('rule_names (handle, tenant, policy, rule)', rows);
      this.#rules += rows.length;
    }
    if (plane.vnicLabelCount > this.#labels) {
      const rows = plane
        .vnicLabels(this.#labels)
        .map((l, i) => [this.#labels + i, l.tenant, l.workload, l.vnic]);
      this.#insert('vnic_labels (id, tenant, workload, vnic)', rows);
      this.#labels += rows.length;
    }
    for (const b of plane.takeCounterBlocks())
      this.#sql.exec(
        'INSERT OR REPLACE INTO rule_counters (block, data) VALUES (?, ?)',
        b.block,
        b.data.buffer,
      );
  }

  #insert(into: string, rows: (string | number)[][]): void {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const slice = rows.slice(start, start + ROWS_PER_STATEMENT);
      this.#sql.exec(
        `INSERT OR REPLACE INTO ${into} VALUES ${slice.map(() => '(?, ?, ?, ?)').join(', ')}`,
        ...slice.flat(),
      );
    }
  }
}
