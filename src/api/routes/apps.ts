import { createRoute, z } from '@hono/zod-openapi';
import { diffApp, type AppDiff } from '../../policy/app-diff.js';
import type { Group, Policy, Service } from '../../policy/types.js';
import { deleteAppStatement, getAppSpec, putAppStatement } from '../../store/apps.js';
import type { Db } from '../../store/db.js';
import { deleteGroupStatements, loadAllGroups, putGroupStatements } from '../../store/groups.js';
import type { AuditEntry, Statement } from '../../store/mutation.js';
import { deletePolicyStatements, loadAllPolicies, putPolicyStatements } from '../../store/policies.js';
import { referrers } from '../../store/references.js';
import { deleteServiceStatements, loadAllServices, putServiceStatements } from '../../store/services.js';
import { router } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { AnyObject, ERRORS, jsonBody, ok, security } from '../openapi-helpers.js';
import { assertGroupGraph, assertGroupsExist, assertServicesExist } from '../reference-checks.js';
import { TenantObjectParams } from '../schemas/common.js';
import { AppBody } from '../schemas/resources.js';
import { readableTenant, writeTenant } from '../tenant-write.js';
import { groupFromBody } from './groups.js';
import { namedReferences, policyFromBody } from './policies.js';
import { serviceFromBody } from './services.js';

export const appRoutes = router();

type AppInput = z.infer<typeof AppBody>;
type Kind = 'group' | 'service' | 'policy';

interface TenantObjects {
  groups: Group[];
  services: Service[];
  policies: Policy[];
}

interface Desired {
  groups: Group[];
  services: Service[];
  policies: Policy[];
}

function desiredObjects(app: string, body: AppInput): Desired {
  return {
    groups: Object.entries(body.groups).map(([id, g]) => groupFromBody(id, g, app)),
    services: Object.entries(body.services).map(([id, s]) => serviceFromBody(id, s, app)),
    policies: Object.entries(body.policies).map(([id, p]) => policyFromBody(id, { ...p }, app)),
  };
}

async function loadObjects(db: Db, tenant: string): Promise<TenantObjects> {
  const [groups, services, policies] = await Promise.all([
    loadAllGroups(db, tenant),
    loadAllServices(db, tenant),
    loadAllPolicies(db, tenant),
  ]);
  return { groups, services, policies };
}

const owned = (all: TenantObjects, app: string): TenantObjects => ({
  groups: all.groups.filter((g) => g.app === app),
  services: all.services.filter((s) => s.app === app),
  policies: all.policies.filter((p) => p.app === app),
});

const bundle = (d: Desired) => ({
  groups: Object.fromEntries(d.groups.map(({ id, ...g }) => [id, g])),
  services: Object.fromEntries(d.services.map(({ id, ...s }) => [id, s])),
  policies: Object.fromEntries(d.policies.map(({ id, ...p }) => [id, p])),
});

/** An app may not take over objects that exist outside it. */
function assertClaimable(all: TenantObjects, app: string, desired: Desired): void {
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
function appKeys(...sets: (TenantObjects | Desired)[]): Set<string> {
  const keys = new Set<string>();
  for (const s of sets) {
    for (const g of s.groups) keys.add(`group/${g.id}`);
    for (const p of s.policies) keys.add(`policy/${p.id}`);
  }
  return keys;
}

/** Objects the app stops owning must not be referenced from outside the app's new state. */
async function assertNoOutsideReferrers(
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

async function validateDesired(db: Db, tenant: string, all: TenantObjects, app: string, desired: Desired) {
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

function statementsFor(db: Db, tenant: string, diff: AppDiff, desired: Desired): Statement[] {
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

function auditFor(diff: AppDiff, all: TenantObjects, desired: Desired): AuditEntry[] {
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

const DiffSchema = z
  .object({
    app: z.string(),
    dryRun: z.boolean(),
    created: z.array(AnyObject),
    updated: z.array(AnyObject),
    deleted: z.array(AnyObject),
    unchanged: z.array(AnyObject),
  })
  .openapi('AppDiff');

appRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/v1/tenants/{t}/apps/{id}',
    tags: ['apps'],
    security,
    description:
      'Applies the app as desired state in one all-or-nothing batch; ?dryRun=true answers the diff and changes nothing.',
    request: {
      params: TenantObjectParams,
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      body: jsonBody(AppBody),
    },
    responses: { 200: ok(DiffSchema), 201: ok(DiffSchema, 'created'), ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    const dryRun = c.req.valid('query').dryRun === 'true';
    const body = c.req.valid('json');
    let created = false;
    const out = await writeTenant(c, t, async (_tenant, db) => {
      const all = await loadObjects(db, t);
      const desired = desiredObjects(id, body);
      assertClaimable(all, id, desired);
      const diff = diffApp(owned(all, id), bundle(desired));
      await validateDesired(db, t, all, id, desired);
      await assertNoOutsideReferrers(db, t, id, diff, appKeys(owned(all, id), desired));
      const spec = { groups: body.groups, services: body.services, policies: body.policies };
      const existing = await getAppSpec(db, t, id);
      created = existing === null;
      const result = { app: id, dryRun, ...diff };
      if (dryRun || (!created && diff.created.length + diff.updated.length + diff.deleted.length === 0))
        return { unchanged: result };
      return {
        result,
        statements: [putAppStatement(db, t, id, spec), ...statementsFor(db, t, diff, desired)],
        audit: [
          { action: created ? 'create' : 'update', kind: 'app', id, before: existing, after: spec },
          ...auditFor(diff, all, desired),
        ],
      };
    });
    return c.json(out.result, created && !dryRun ? 201 : 200);
  },
);

appRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/apps/{id}',
    tags: ['apps'],
    security,
    request: { params: TenantObjectParams },
    responses: { 200: ok(AnyObject), ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    await readableTenant(c, t);
    const db = c.get('db');
    const spec = (await getAppSpec(db, t, id)) as object | null;
    if (spec === null) throw notFound('app', id);
    const mine = owned(await loadObjects(db, t), id);
    return c.json(
      {
        id,
        spec,
        owns: {
          groups: mine.groups.map((g) => g.id),
          services: mine.services.map((s) => s.id),
          policies: mine.policies.map((p) => p.id),
        },
      },
      200,
    );
  },
);

appRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/tenants/{t}/apps/{id}',
    tags: ['apps'],
    security,
    description: 'Removes the app and everything it owns in one batch.',
    request: { params: TenantObjectParams },
    responses: { 204: { description: 'deleted' }, ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    await writeTenant(c, t, async (_tenant, db) => {
      const spec = await getAppSpec(db, t, id);
      if (spec === null) throw notFound('app', id);
      const all = await loadObjects(db, t);
      const empty: Desired = { groups: [], services: [], policies: [] };
      const diff = diffApp(owned(all, id), bundle(empty));
      await assertNoOutsideReferrers(db, t, id, diff, appKeys(owned(all, id), empty));
      return {
        result: null,
        statements: [deleteAppStatement(db, t, id), ...statementsFor(db, t, diff, empty)],
        audit: [
          { action: 'delete', kind: 'app', id, before: spec, after: null },
          ...auditFor(diff, all, empty),
        ],
      };
    });
    return c.body(null, 204);
  },
);
