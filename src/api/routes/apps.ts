import { createRoute, z } from '@hono/zod-openapi';
import { diffApp } from '../../policy/app-diff.js';
import { deleteAppStatement, getAppSpec, listAppSpecs, putAppStatement } from '../../store/apps.js';
import {
  appKeys,
  assertClaimable,
  assertNoOutsideReferrers,
  auditFor,
  bundle,
  desiredObjects,
  loadObjects,
  owned,
  statementsFor,
  validateDesired,
  type Desired,
  type TenantObjects,
} from '../app-plan.js';
import { router } from '../context.js';
import { dryRunImpact, DryRunQuery, isDryRun, withApp } from '../dry-run.js';
import { badRequest, notFound } from '../errors.js';
import { AnyObject, ERRORS, jsonBody, ok, security } from '../openapi-helpers.js';
import { PageQuery, TenantObjectParams, TenantParam, page } from '../schemas/common.js';
import { pageOf, readPage } from '../pagination.js';
import { AppBody } from '../schemas/resources.js';
import { readableTenant, writeTenant } from '../tenant-write.js';

export const appRoutes = router();

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
      query: DryRunQuery,
      body: jsonBody(AppBody),
    },
    responses: { 200: ok(DiffSchema), 201: ok(DiffSchema, 'created'), ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    const dryRun = c.req.valid('query').dryRun === 'true';
    const body = c.req.valid('json');
    if (body.id !== undefined && body.id !== id)
      throw badRequest(`body.id: "${body.id}" differs from the path id "${id}"`);
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
    if (dryRun) {
      const impact = await dryRunImpact(c, t, withApp(id, desiredObjects(id, body)));
      return c.json({ ...out.result, impact } as never, 200);
    }
    return c.json(out.result, created ? 201 : 200);
  },
);

/** An app as read: its id, the spec it was applied with and what it owns; PUT back as it is, it changes nothing. */
function appView(id: string, spec: unknown, all: TenantObjects) {
  const mine = owned(all, id);
  return {
    id,
    ...(spec as Pick<z.output<typeof AppBody>, 'groups' | 'services' | 'policies'>),
    owns: {
      groups: mine.groups.map((g) => g.id),
      services: mine.services.map((s) => s.id),
      policies: mine.policies.map((p) => p.id),
    },
  };
}

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
    const tenant = await readableTenant(c, t);
    const db = c.get('db');
    const spec = await getAppSpec(db, t, id);
    if (spec === null) throw notFound('app', id);
    c.header('ETag', `"${tenant.revision}"`);
    return c.json(appView(id, spec, await loadObjects(db, t)), 200);
  },
);

appRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/apps',
    tags: ['apps'],
    security,
    request: { params: TenantParam, query: PageQuery },
    responses: { 200: ok(page(AnyObject)), ...ERRORS },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    const tenant = await readableTenant(c, t);
    const { after, limit } = readPage(c.req.valid('query'));
    const db = c.get('db');
    const [specs, all] = await Promise.all([listAppSpecs(db, t, after, limit), loadObjects(db, t)]);
    c.header('ETag', `"${tenant.revision}"`);
    return c.json(
      pageOf(
        specs.map((a) => appView(a.id, a.spec, all)),
        limit,
        (a) => a.id,
      ),
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
    description:
      'Removes the app and everything it owns in one batch; ?dryRun=true answers the diff and its impact and changes nothing.',
    request: { params: TenantObjectParams, query: DryRunQuery },
    responses: { 200: ok(DiffSchema, 'dry run'), 204: { description: 'deleted' }, ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    const dryRun = isDryRun(c);
    const out = await writeTenant(c, t, async (_tenant, db) => {
      const spec = await getAppSpec(db, t, id);
      if (spec === null) throw notFound('app', id);
      const all = await loadObjects(db, t);
      const empty: Desired = { groups: [], services: [], policies: [] };
      const diff = diffApp(owned(all, id), bundle(empty));
      await assertNoOutsideReferrers(db, t, id, diff, appKeys(owned(all, id), empty));
      if (dryRun) return { unchanged: { app: id, dryRun, ...diff } };
      return {
        result: null,
        statements: [deleteAppStatement(db, t, id), ...statementsFor(db, t, diff, empty)],
        audit: [
          { action: 'delete', kind: 'app', id, before: spec, after: null },
          ...auditFor(diff, all, empty),
        ],
      };
    });
    if (out.result) {
      const impact = await dryRunImpact(c, t, withApp(id, { groups: [], services: [], policies: [] }));
      return c.json({ ...out.result, impact } as never, 200);
    }
    return c.body(null, 204);
  },
);
