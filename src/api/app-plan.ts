import type { z } from '@hono/zod-openapi';
import { type AppDiff } from '../policy/app-diff.js';
import type { Group, Policy, Service } from '../policy/types.js';
import type { Db } from '../store/db.js';
import { deleteGroupStatements, loadAllGroups, putGroupStatements } from '../store/groups.js';
import type { AuditEntry, Statement } from '../store/mutation.js';
import { deletePolicyStatements, loadAllPolicies, putPolicyStatements } from '../store/policies.js';
import { referrers } from '../store/references.js';
import { deleteServiceStatements, loadAllServices, putServiceStatements } from '../store/services.js';
import { conflict } from './errors.js';
import { assertGroupGraph, assertGroupsExist, assertServicesExist } from './reference-checks.js';
import { groupFromBody } from './routes/groups.js';
import { namedReferences, policyFromBody } from './routes/policies.js';
import { serviceFromBody } from './routes/services.js';
import type { AppBody } from './schemas/resources.js';

/** Planning an app's apply or delete: what it owns, what it wants, what may not change, what to write. */
export type AppInput = z.infer<typeof AppBody>;
type Kind = 'group' | 'service' | 'policy';

export interface TenantObjects {
  groups: Group[];
  services: Service[];
  policies: Policy[];
}

export interface Desired {
  groups: Group[];
  services: Service[];
  policies: Policy[];
}

export function desiredObjects(app: string, body: AppInput): Desired {
  return {
    groups: Object.entries(body.groups).map(([id, g]) => groupFromBody(id, g, app)),
    services: Object.entries(body.services).map(([id, s]) => serviceFromBody(id, s, app)),
    policies: Object.entries(body.policies).map(([id, p]) => policyFromBody(id, { ...p }, app)),
  };
}

export async function loadObjects(db: Db, tenant: string): Promise<TenantObjects> {
  const [groups, services, policies] = await Promise.all([
    loadAllGroups(db, tenant),
    loadAllServices(db, tenant),
    loadAllPolicies(db, tenant),
  ]);
  return { groups, services, policies };
}

export const owned = (all: TenantObjects, app: string): TenantObjects => ({
  groups: all.groups.filter((g) => g.app === app),
  services: all.services.filter((s) => s.app === app),
  policies: all.policies.filter((p) => p.app === app),
});

export const bundle = (d: Desired) => ({
  groups: Object.fromEntries(d.groups.map(({ id, ...g }) => [id, g])),
  services: Object.fromEntries(d.services.map(({ id, ...s }) => [id, s])),
  policies: Object.fromEntries(d.policies.map(({ id, ...p }) => [id, p])),
});

/** An app may not take over objects that exist outside it. */
export function assertClaimable(all: TenantObjects, app: string, desired: Desired): void {
  const kinds = [
    ['group', all.groups, desired.groups],
    ['service', all.services, desired.services],
    ['policy', all.policies, desired.policies],
  ] as const;
  for (const [kind, existing, wanted] of kinds) {
    const byId = new Map<string, { app?: string | undefined }>(existing.map((o) => [o.id, o]));
    for (const w of wanted) {
      const found = byId.get(w.id);
      if (found && found.app !== app)
        throw conflict(
          'owned-elsewhere',
          `${kind} "${w.id}" already exists ${found.app ? `in app "${found.app}"` : 'outside any app'}`,
          { kind, id: w.id, app: found.app ?? null },
        );
    }
  }
}

/** "kind/id" of everything the app owns before or after the change: their references are rewritten too. */
export function appKeys(...sets: (TenantObjects | Desired)[]): Set<string> {
  const keys = new Set<string>();
  for (const s of sets) {
    for (const g of s.groups) keys.add(`group/${g.id}`);
    for (const p of s.policies) keys.add(`policy/${p.id}`);
  }
  return keys;
}

/** Objects the app stops owning must not be referenced from outside the app's new state. */
export async function assertNoOutsideReferrers(
  db: Db,
  tenant: string,
  app: string,
  diff: AppDiff,
  keep: Set<string>,
) {
  for (const ref of diff.deleted) {
    if (ref.kind === 'policy') continue;
    const by = (await referrers(db, tenant, ref.kind, ref.id)).filter((r) => !keep.has(r));
    if (by.length)
      throw conflict(
        'in-use',
        `${ref.kind} "${ref.id}" of app "${app}" is still referenced by ${by.join(', ')}`,
        {
          referrers: by,
        },
      );
  }
}

export async function validateDesired(
  db: Db,
  tenant: string,
  all: TenantObjects,
  app: string,
  desired: Desired,
) {
  const outside = all.groups.filter((g) => g.app !== app);
  const graph = [...outside, ...desired.groups];
  for (const g of desired.groups) assertGroupGraph(graph, g);
  const groupIds = new Set(graph.map((g) => g.id));
  const serviceIds = new Set(
    [...all.services.filter((s) => s.app !== app), ...desired.services].map((s) => s.id),
  );
  for (const p of desired.policies) {
    const refs = namedReferences(p, `body.policies.${p.id}`);
    await assertGroupsExist(
      db,
      tenant,
      refs.groups.filter((r) => !groupIds.has(r.id)),
    );
    await assertServicesExist(
      db,
      tenant,
      refs.services.filter((r) => !serviceIds.has(r.id)),
    );
  }
}

export function statementsFor(db: Db, tenant: string, diff: AppDiff, desired: Desired): Statement[] {
  const statements: Statement[] = [];
  const del: Record<Kind, (db: Db, t: string, id: string) => Statement[]> = {
    group: deleteGroupStatements,
    service: deleteServiceStatements,
    policy: deletePolicyStatements,
  };
  for (const ref of diff.deleted) statements.push(...del[ref.kind](db, tenant, ref.id));
  const changed = new Set([...diff.created, ...diff.updated].map((r) => `${r.kind}/${r.id}`));
  for (const s of desired.services)
    if (changed.has(`service/${s.id}`)) statements.push(...putServiceStatements(db, tenant, s));
  for (const g of desired.groups)
    if (changed.has(`group/${g.id}`)) statements.push(...putGroupStatements(db, tenant, g));
  for (const p of desired.policies)
    if (changed.has(`policy/${p.id}`)) statements.push(...putPolicyStatements(db, tenant, p));
  return statements;
}

export function auditFor(diff: AppDiff, all: TenantObjects, desired: Desired): AuditEntry[] {
  const find = (list: { id: string }[], id: string) => list.find((o) => o.id === id) ?? null;
  const listOf = (o: TenantObjects | Desired, kind: Kind) =>
    kind === 'group' ? o.groups : kind === 'service' ? o.services : o.policies;
  return [
    ...diff.created.map((r) => ({
      action: 'create' as const,
      kind: r.kind,
      id: r.id,
      before: null,
      after: find(listOf(desired, r.kind), r.id),
    })),
    ...diff.updated.map((r) => ({
      action: 'update' as const,
      kind: r.kind,
      id: r.id,
      before: find(listOf(all, r.kind), r.id),
      after: find(listOf(desired, r.kind), r.id),
    })),
    ...diff.deleted.map((r) => ({
      action: 'delete' as const,
      kind: r.kind,
      id: r.id,
      before: find(listOf(all, r.kind), r.id),
      after: null,
    })),
  ];
}
