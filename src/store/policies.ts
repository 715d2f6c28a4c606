import { policyReferences } from '../policy/references.js';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Category, Policy, Rule } from '../policy/types.js';
import { chunkIds } from './chunk.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { clearReferencesStatement, setReferencesStatements } from './references.js';
import { policies, rules } from './schema.js';

type PolicyRow = typeof policies.$inferSelect;
type RuleRow = typeof rules.$inferSelect;

function assemble(rows: PolicyRow[], ruleRows: RuleRow[]): Policy[] {
  const byPolicy = new Map<string, RuleRow[]>();
  for (const r of ruleRows) {
    const list = byPolicy.get(r.policy);
    if (list) list.push(r);
    else byPolicy.set(r.policy, [r]);
  }
  return rows.map((p) => ({
    id: p.id,
    ...(p.name !== null ? { name: p.name } : {}),
    category: p.category as Category,
    priority: p.priority,
    stateful: p.stateful,
    tcpStrict: p.tcpStrict,
    appliedTo: p.appliedTo,
    ...(p.app !== null ? { app: p.app } : {}),
    rules: (byPolicy.get(p.id) ?? [])
      .sort((a, b) => a.position - b.position)
      .map((r) => ({ id: r.id, ...r.body }) as unknown as Rule),
  }));
}

async function rulesOf(db: Db, tenant: string, ids: string[]): Promise<RuleRow[]> {
  const parts = await Promise.all(
    chunkIds(ids, 1).map((part) =>
      db
        .select()
        .from(rules)
        .where(and(eq(rules.tenant, tenant), inArray(rules.policy, part)))
        .all(),
    ),
  );
  return parts.flat();
}

export async function getPolicy(db: Db, tenant: string, id: string): Promise<Policy | null> {
  const row = await db
    .select()
    .from(policies)
    .where(and(eq(policies.tenant, tenant), eq(policies.id, id)))
    .get();
  if (!row) return null;
  return assemble([row], await rulesOf(db, tenant, [id]))[0]!;
}

export async function listPolicies(db: Db, tenant: string, after: string | null, limit: number) {
  const where = after
    ? and(eq(policies.tenant, tenant), gt(policies.id, after))
    : eq(policies.tenant, tenant);
  const rows = await db.select().from(policies).where(where).orderBy(asc(policies.id)).limit(limit).all();
  return assemble(
    rows,
    await rulesOf(
      db,
      tenant,
      rows.map((r) => r.id),
    ),
  );
}

export async function loadAllPolicies(db: Db, tenant: string): Promise<Policy[]> {
  const [rows, ruleRows] = await db.batch([
    db.select().from(policies).where(eq(policies.tenant, tenant)),
    db.select().from(rules).where(eq(rules.tenant, tenant)),
  ]);
  return assemble(rows, ruleRows);
}

/** UTF-16 units of rule JSON per insert: a bound value stays under 1 MB (D1 allows 2 MB). */
const RULES_JSON_UNITS = 300_000;

/**
 * The policy's rules as a few inserts, each binding one JSON array that SQLite unpacks with json_each:
 * 20,000 rules are a handful of statements rather than a thousand of 20 rows (100 bound parameters).
 * The body goes through SQLite's JSON text unchanged (escapes kept), so it reads back exactly.
 */
function insertRulesStatements(db: Db, tenant: string, p: Policy): Statement[] {
  const statements: Statement[] = [];
  let chunk: string[] = [];
  let units = 0;
  let first = 0;
  const flush = (next: number) => {
    if (chunk.length === 0) return;
    statements.push(
      // columns in table order: tenant, policy, position, id, body
      db
        .insert(rules)
        .select(
          sql`SELECT ${tenant}, ${p.id}, ${first} + key, value ->> 0, value -> 1 FROM json_each(${`[${chunk.join(',')}]`})`,
        ),
    );
    chunk = [];
    units = 0;
    first = next;
  };
  p.rules.forEach(({ id, ...body }, position) => {
    const item = JSON.stringify([id, body]);
    if (units + item.length > RULES_JSON_UNITS) flush(position);
    chunk.push(item);
    units += item.length + 1;
  });
  flush(p.rules.length);
  return statements;
}

export function putPolicyStatements(db: Db, tenant: string, p: Policy): Statement[] {
  const row = {
    name: p.name ?? null,
    category: p.category,
    priority: p.priority,
    stateful: p.stateful,
    tcpStrict: p.tcpStrict,
    appliedTo: p.appliedTo,
    app: p.app ?? null,
  };
  const statements: Statement[] = [
    db
      .insert(policies)
      .values({ tenant, id: p.id, ...row })
      .onConflictDoUpdate({ target: [policies.tenant, policies.id], set: row }),
    db.delete(rules).where(and(eq(rules.tenant, tenant), eq(rules.policy, p.id))),
  ];
  statements.push(...insertRulesStatements(db, tenant, p));
  statements.push(...setReferencesStatements(db, tenant, 'policy', p.id, policyReferences(p)));
  return statements;
}

export function deletePolicyStatements(db: Db, tenant: string, id: string): Statement[] {
  return [
    db.delete(rules).where(and(eq(rules.tenant, tenant), eq(rules.policy, id))),
    db.delete(policies).where(and(eq(policies.tenant, tenant), eq(policies.id, id))),
    clearReferencesStatement(db, tenant, 'policy', id),
  ];
}
