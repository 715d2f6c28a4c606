import { createRoute, type z } from '@hono/zod-openapi';
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
import {
  ERRORS,
  ETAG,
  jsonBody,
  noContent,
  ok,
  security,
  WRITE_HEADERS,
  WriteRequestHeaders,
} from '../openapi-helpers.js';
import { PageQuery, TenantObjectParams, TenantParam } from '../schemas/common.js';
import { pageOf, readPage } from '../pagination.js';
import { AppBody } from '../schemas/resources.js';
import { App, AppDiff as DiffSchema, page } from '../schemas/responses.js';
import { readableTenant, writeTenant } from '../tenant-write.js';

export const appRoutes = router();

const APP_EXAMPLE = {
  groups: { web: { criteria: { field: 'tag', op: 'equals', value: 'tier=web' } } },
  services: { https: { entries: [{ proto: 'tcp', ports: '443' }] } },
  policies: {
    'web-in': {
      category: 'application',
      priority: 20,
      rules: [{ id: 'https-in', destinations: { groups: ['web'] }, services: ['https'], action: 'allow' }],
    },
  },
};

appRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/v1/tenants/{t}/apps/{id}',
    operationId: 'putApp',
    summary: 'Apply an app',
    tags: ['apps'],
    security,
    description:
      'Applies the app as desired state in one all-or-nothing batch (groups, services and policies it owns); ' +
      'honours If-Match. ?dryRun=true answers the diff and its impact and changes nothing.',
    request: {
      params: TenantObjectParams,
      query: DryRunQuery,
      headers: WriteRequestHeaders,
      body: jsonBody(AppBody, APP_EXAMPLE),
    },
    responses: {
      200: ok(DiffSchema, 'updated or unchanged; with ?dryRun=true the diff and its impact', WRITE_HEADERS),
      201: ok(DiffSchema, 'created', WRITE_HEADERS),
      ...ERRORS,
    },
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
    ...(spec as Omit<z.output<typeof App>, 'id' | 'owns'>),
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
    operationId: 'getApp',
    summary: 'Read an app',
    description:
      'The app as last applied and the ids of what it owns; PUT back as it is, it changes nothing.',
    tags: ['apps'],
    security,
    request: { params: TenantObjectParams },
    responses: { 200: ok(App), ...ERRORS },
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
    operationId: 'listApps',
    summary: 'List apps',
    description: "The tenant's apps in id order, each as GET .../apps/{id} answers it.",
    tags: ['apps'],
    security,
    request: { params: TenantParam, query: PageQuery },
    responses: { 200: ok(page(App, 'AppPage'), 'OK', ETAG), ...ERRORS },
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
    operationId: 'deleteApp',
    summary: 'Delete an app',
    tags: ['apps'],
    security,
    description:
      'Removes the app and everything it owns in one batch; honours If-Match. ?dryRun=true answers the diff ' +
      'and its impact and changes nothing.',
    request: { params: TenantObjectParams, query: DryRunQuery, headers: WriteRequestHeaders },
    responses: {
      200: ok(DiffSchema, 'with ?dryRun=true: the diff and its impact', ETAG),
      204: noContent('deleted', WRITE_HEADERS),
      ...ERRORS,
    },
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
