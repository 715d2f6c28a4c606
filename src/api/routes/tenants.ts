import { createRoute } from '@hono/zod-openapi';
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
import { AnyObject, ERRORS, jsonBody, ok, security } from '../openapi-helpers.js';
import { TenantParam } from '../schemas/common.js';
import { TenantCreate, TenantPatch } from '../schemas/resources.js';
import { readableTenant, writeTenant } from '../tenant-write.js';

export const tenantRoutes = router();

tenantRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/tenants',
    tags: ['tenants'],
    security,
    request: { body: jsonBody(TenantCreate) },
    responses: { 201: ok(AnyObject, 'created'), ...ERRORS },
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
    tags: ['tenants'],
    security,
    responses: { 200: ok(AnyObject), ...ERRORS },
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
    tags: ['tenants'],
    security,
    request: { params: TenantParam },
    responses: { 200: ok(AnyObject), ...ERRORS },
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
    tags: ['tenants'],
    security,
    description:
      'Changes name or settings; ?dryRun=true answers the change and its impact on live flows and changes nothing.',
    request: { params: TenantParam, query: DryRunQuery, body: jsonBody(TenantPatch) },
    responses: { 200: ok(AnyObject), ...ERRORS },
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
