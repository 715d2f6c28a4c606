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

  /** The tenant's stored rule set, which is the one installed (both change in one synchronous step). */
  load(tenant: string): CompiledRuleSet | null {
    const chunks = this.#sql
      .exec<{ chunk: string }>('SELECT chunk FROM rule_sets WHERE tenant = ? ORDER BY seq', tenant)
      .toArray();
    if (chunks.length === 0) return null;
    return unpackRuleSet(JSON.parse(chunks.map((r) => r.chunk).join('')) as StoredRuleSet);
  }

  put(rs: CompiledRuleSet): void {
    this.putText(rs.tenant, JSON.stringify(packRuleSet(rs)));
  }

  /** Stores a rule set as storedText wrote it. */
  putText(tenant: string, text: string): void {
    this.remove(tenant);
    for (let i = 0, seq = 0; i < text.length; i += CHUNK_CHARS, seq++)
      this.#sql.exec(
        'INSERT INTO rule_sets (tenant, seq, chunk) VALUES (?, ?, ?)',
        tenant,
        seq,
        text.slice(i, i + CHUNK_CHARS),
      );
  }

  remove(tenant: string): void {
    this.#sql.exec('DELETE FROM rule_sets WHERE tenant = ?', tenant);
  }
}

/** Table rows stringified per step: a few ms each, even for large address sets and rule lists. */
const ITEMS_PER_STEP = 500;

/**
 * The rule set's stored JSON (what put writes), built in steps so the caller can yield between them: one
 * JSON.stringify of a 20,000-rule set holds the object for a long time.
 */
export function* storedText(rs: CompiledRuleSet): Generator<void, string> {
  const { sets, lists, rules, vnics, ...header } = packRuleSet(rs);
  yield;
  const out = [JSON.stringify(header).slice(0, -1)];
  const tables: [string, readonly unknown[]][] = [
    ['sets', sets],
    ['lists', lists],
    ['rules', rules],
    ['vnics', vnics],
  ];
  for (const [name, items] of tables) {
    const pieces: string[] = [];
    for (let i = 0; i < items.length; i += ITEMS_PER_STEP) {
      pieces.push(JSON.stringify(items.slice(i, i + ITEMS_PER_STEP)).slice(1, -1));
      yield;
    }
    out.push(`,${JSON.stringify(name)}:[${pieces.join(',')}]`);
  }
  out.push('}');
  return out.join('');
}
