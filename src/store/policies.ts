import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Category, Policy, Rule } from '../policy/types.js';
import { chunkRows } from './chunk.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { clearReferencesStatement, setReferencesStatements, type Reference } from './references.js';
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
  if (ids.length === 0) return [];
  return db
    .select()
    .from(rules)
    .where(and(eq(rules.tenant, tenant), inArray(rules.policy, ids)))
    .all();
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

/** Groups and services a policy names (policy appliedTo, rule peers, rule appliedTo, service ids). */
export function policyReferences(p: Policy): Reference[] {
  const refs: Reference[] = p.appliedTo.map((id) => ({ kind: 'group', id }));
  for (const r of p.rules) {
    for (const peer of [r.sources, r.destinations]) {
      if (peer !== 'any') refs.push(...peer.groups.map((id) => ({ kind: 'group' as const, id })));
    }
    refs.push(...r.appliedTo.map((id) => ({ kind: 'group' as const, id })));
    for (const s of r.services) if (typeof s === 'string') refs.push({ kind: 'service', id: s });
  }
  return refs;
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
  const ruleRows = p.rules.map(({ id, ...body }, position) => ({ tenant, policy: p.id, position, id, body }));
  for (const chunk of chunkRows(ruleRows, 5)) statements.push(db.insert(rules).values(chunk));
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
