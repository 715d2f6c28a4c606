import { createRoute, z } from '@hono/zod-openapi';
import { migrationOf } from '../../env.js';
import { getHypervisor } from '../../store/hypervisors.js';
import { getMigration, listMigrations } from '../../store/migrations.js';
import { getWorkload, vnicsOfWorkload } from '../../store/workloads.js';
import { assertTenantMigrate } from '../auth/principal.js';
import { getTenant } from '../../store/tenants.js';
import { randomSecret } from '../auth/secrets.js';
import { router } from '../context.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { ERRORS, IfMatchHeader, jsonBody, ok, security } from '../openapi-helpers.js';
import { Id, PageQuery, TenantObjectParams, TenantParam } from '../schemas/common.js';
import { page } from '../schemas/responses.js';
import { pageOf, readPage } from '../pagination.js';
import { assertIfMatch } from '../if-match.js';
import { readableTenant } from '../tenant-write.js';

export const migrationRoutes = router();

const Migration = z
  .object({
    id: z.string(),
    workload: z.string(),
    from: z.string(),
    to: z.string(),
    state: z.enum(['pending', 'running', 'done', 'failed']),
    step: z.string().nullable(),
    flowsMoved: z.number(),
    error: z.string().nullable(),
    noop: z.boolean().optional().openapi({ description: 'true: the workload was there already' }),
  })
  .openapi('Migration', {
    example: {
      id: 'm-1',
      workload: 'web-1',
      from: 'hv-1',
      to: 'hv-2',
      state: 'done',
      step: null,
      flowsMoved: 3,
      error: null,
    },
  });

const MigrateBody = z.strictObject({ to: Id, id: Id.optional() }).openapi('MigrateRequest');

migrationRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/tenants/{t}/workloads/{id}/migrate',
    operationId: 'migrateWorkload',
    summary: 'Move a workload to another hypervisor',
    tags: ['migrations'],
    security,
    description:
      'Moves the workload and its flows to another hypervisor. The same migration id again answers the same ' +
      'migration; a second migration of a workload while one runs is 409. Honours If-Match.',
    request: {
      params: TenantObjectParams,
      headers: IfMatchHeader,
      body: jsonBody(MigrateBody, { to: 'hv-2', id: 'm-1' }),
    },
    responses: { 200: ok(Migration, 'already there'), 202: ok(Migration, 'accepted'), ...ERRORS },
  }),
  async (c) => {
    const { t, id: workloadId } = c.req.valid('param');
    const body = c.req.valid('json');
    assertTenantMigrate(c.get('principal'), t);
    const db = c.get('db');
    const tenant = await getTenant(db, t);
    if (!tenant) throw notFound('tenant', t);
    assertIfMatch(c, tenant.revision);
    const migrationId = body.id ?? `m-${randomSecret(9)}`;
    const existing = await getMigration(db, t, migrationId);
    if (existing && (existing.workload !== workloadId || existing.to !== body.to))
      throw conflict(
        'migration-id-taken',
        `migration "${migrationId}" moves ${existing.workload} to ${existing.to}`,
      );
    if (existing?.state === 'done') return c.json(existing, 202);
    const workload = await getWorkload(db, t, workloadId);
    if (!workload) throw notFound('workload', workloadId);
    if (!(await getHypervisor(db, body.to)))
      throw unprocessable('unknown-hypervisor', `body.to: hypervisor "${body.to}" does not exist`);
    if (!existing && workload.hypervisor === body.to)
      return c.json(
        {
          id: migrationId,
          workload: workloadId,
          from: body.to,
          to: body.to,
          state: 'done' as const,
          step: null,
          flowsMoved: 0,
          error: null,
          noop: true,
        },
        200,
      );
    const vnics = (await vnicsOfWorkload(db, t, workloadId)).map((v) => ({
      handle: v.handle,
      id: v.id,
      tenant: t,
    }));
    const coordinator = migrationOf(c.env, t, workloadId);
    const out = await coordinator.start({
      id: migrationId,
      tenant: t,
      workload: workloadId,
      from: existing?.from ?? workload.hypervisor,
      to: body.to,
      vnics,
    });
    if (!out.ok)
      throw conflict(
        'migration-in-progress',
        `workload "${workloadId}" is being moved by migration "${out.activeId}"`,
        {
          migration: out.activeId,
        },
      );
    return c.json(out.record, 202);
  },
);

migrationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/migrations/{id}',
    operationId: 'getMigration',
    summary: 'Read a migration',
    tags: ['migrations'],
    security,
    request: { params: TenantObjectParams },
    responses: { 200: ok(Migration), ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    await readableTenant(c, t);
    const m = await getMigration(c.get('db'), t, id);
    if (!m) throw notFound('migration', id);
    return c.json(m, 200);
  },
);

migrationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/migrations',
    operationId: 'listMigrations',
    summary: 'List migrations',
    tags: ['migrations'],
    security,
    description: "The tenant's migrations by id, each with its state (the console's migrations view).",
    request: { params: TenantParam, query: PageQuery },
    responses: { 200: ok(page(Migration, 'MigrationPage')), ...ERRORS },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    await readableTenant(c, t);
    const { after, limit } = readPage(c.req.valid('query'));
    const items = await listMigrations(c.get('db'), t, after, limit);
    return c.json(
      pageOf(
        items.map(({ tenant: _tenant, ...m }) => m),
        limit,
        (m) => m.id,
      ),
      200,
    );
  },
);
