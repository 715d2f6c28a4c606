import { createRoute, z } from '@hono/zod-openapi';
import type { Tenant } from '../../policy/types.js';
import {
  DEFAULT_SETTINGS,
  getTenant,
  insertTenant,
  listTenants,
  updateTenantStatement,
} from '../../store/tenants.js';
import { assertRole } from '../auth/principal.js';
import { router } from '../context.js';
import { dryRunImpact, DryRunQuery, isDryRun, withSettings } from '../dry-run.js';
import { badRequest, conflict } from '../errors.js';
import {
  ERRORS,
  ETAG,
  jsonBody,
  ok,
  security,
  WRITE_HEADERS,
  WriteRequestHeaders,
} from '../openapi-helpers.js';
import { TenantParam } from '../schemas/common.js';
import { TenantCreate, TenantPatch } from '../schemas/resources.js';
import { page, Tenant as TenantSchema, TenantDryRun } from '../schemas/responses.js';
import { readableTenant, writeTenant } from '../tenant-write.js';

export const tenantRoutes = router();

tenantRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant',
    description: 'Admin only. Settings left out take their defaults; the tenant starts at revision 1.',
    tags: ['tenants'],
    security,
    request: { body: jsonBody(TenantCreate, { id: 'acme', name: 'ACME' }) },
    responses: { 201: ok(TenantSchema, 'created', ETAG), ...ERRORS },
  }),
  async (c) => {
    const principal = c.get('principal');
    assertRole(principal, 'admin');
    const body = c.req.valid('json');
    const tenant = {
      id: body.id,
      name: body.name,
      settings: { ...DEFAULT_SETTINGS, ...body.settings },
      revision: 1,
    };
    if (!(await insertTenant(c.get('db'), tenant, principal.tokenId)))
      throw conflict('already-exists', `tenant "${body.id}" already exists`);
    c.header('ETag', '"1"');
    return c.json(tenant, 201);
  },
);

tenantRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants',
    operationId: 'listTenants',
    summary: 'List tenants',
    description: 'Every tenant the token may read, in one page.',
    tags: ['tenants'],
    security,
    responses: { 200: ok(page(TenantSchema, 'TenantPage')), ...ERRORS },
  }),
  async (c) => {
    const p = c.get('principal');
    assertRole(p, 'admin', 'auditor', 'editor');
    const all = await listTenants(c.get('db'));
    const items = all.filter((t) => p.role === 'admin' || p.tenant === null || p.tenant === t.id);
    return c.json({ items, nextCursor: null }, 200);
  },
);

tenantRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}',
    operationId: 'getTenant',
    summary: 'Read a tenant',
    tags: ['tenants'],
    security,
    request: { params: TenantParam },
    responses: { 200: ok(TenantSchema, 'the tenant with its settings and revision', ETAG), ...ERRORS },
  }),
  async (c) => {
    const tenant = await readableTenant(c, c.req.valid('param').t);
    c.header('ETag', `"${tenant.revision}"`);
    return c.json(tenant, 200);
  },
);

tenantRoutes.openapi(
  createRoute({
    method: 'patch',
    path: '/v1/tenants/{t}',
    operationId: 'patchTenant',
    summary: 'Change tenant settings',
    tags: ['tenants'],
    security,
    description:
      'Changes name or settings (only the fields sent); honours If-Match. ?dryRun=true answers the change ' +
      'and its impact on live flows and changes nothing.',
    request: {
      params: TenantParam,
      query: DryRunQuery,
      headers: WriteRequestHeaders,
      body: jsonBody(TenantPatch, { settings: { defaultAction: 'drop', revalidateOnChange: true } }),
    },
    responses: {
      200: ok(
        z.union([TenantSchema, TenantDryRun]),
        'the tenant as changed; with ?dryRun=true the change',
        WRITE_HEADERS,
      ),
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    const patch = c.req.valid('json');
    if (patch.id !== undefined && patch.id !== t)
      throw badRequest(`body.id: "${patch.id}" differs from the path id "${t}"`);
    const dryRun = isDryRun(c);
    let before: Tenant | null = null;
    const out = await writeTenant<Tenant>(c, t, async (tenant, db) => {
      const settings = {
        ...tenant.settings,
        ...patch.settings,
        timeouts: { ...tenant.settings.timeouts, ...patch.settings?.timeouts },
      };
      const name = patch.name ?? tenant.name;
      // zod's optional timeouts may hold undefined, which stored JSON drops
      const after = { ...tenant, name, settings } as Tenant;
      before = tenant;
      if (dryRun || JSON.stringify(after) === JSON.stringify(tenant)) return { unchanged: after };
      return {
        result: after,
        statements: [updateTenantStatement(db, t, name, settings)],
        audit: [{ action: 'update', kind: 'tenant', id: t, before: tenant, after }],
      };
    });
    if (dryRun) {
      const impact = await dryRunImpact(c, t, withSettings(out.result.settings));
      return c.json({ dryRun: true, before, after: out.result, impact } as never, 200);
    }
    return c.json((await getTenant(c.get('db'), t))!, 200);
  },
);
