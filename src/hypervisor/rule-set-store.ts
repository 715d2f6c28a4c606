import { packRuleSet, unpackRuleSet, type StoredRuleSet } from '../compiler/rule-set-codec.js';
import type { CompiledRuleSet } from '../compiler/types.js';

/** A compiled rule set for 10k rules is a few MB of JSON: stored in chunks under SQLite's 2 MB row limit. */
const CHUNK_CHARS = 512 * 1024;

export class RuleSetStore {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS rule_sets (tenant TEXT NOT NULL, seq INTEGER NOT NULL, chunk TEXT NOT NULL, PRIMARY KEY (tenant, seq))',
    );
  }

  loadAll(): CompiledRuleSet[] {
    const rows = this.#sql
      .exec<{ tenant: string; chunk: string }>('SELECT tenant, chunk FROM rule_sets ORDER BY tenant, seq')
      .toArray();
    const byTenant = new Map<string, string[]>();
    for (const r of rows) {
      const parts = byTenant.get(r.tenant);
      if (parts) parts.push(r.chunk);
      else byTenant.set(r.tenant, [r.chunk]);
    }
    return [...byTenant.values()].map((parts) => unpackRuleSet(JSON.parse(parts.join('')) as StoredRuleSet));
  }

  put(rs: CompiledRuleSet): void {
    const text = JSON.stringify(packRuleSet(rs));
    this.remove(rs.tenant);
    for (let i = 0, seq = 0; i < text.length; i += CHUNK_CHARS, seq++)
      this.#sql.exec(
        'INSERT INTO rule_sets (tenant, seq, chunk) VALUES (?, ?, ?)',
        rs.tenant,
        seq,
        text.slice(i, i + CHUNK_CHARS),
      );
  }

  remove(tenant: string): void {
    this.#sql.exec('DELETE FROM rule_sets WHERE tenant = ?', tenant);
  }
}
