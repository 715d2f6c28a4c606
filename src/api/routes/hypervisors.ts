import { GuardViolation } from '../../store/guard-violation.js';
import { createRoute, z } from '@hono/zod-openapi';
import { deleteHypervisor, getHypervisor, listHypervisors, putHypervisor } from '../../store/hypervisors.js';
import { workloadsOnHypervisor } from '../../store/workloads.js';
import { assertRole } from '../auth/principal.js';
import { router } from '../context.js';
import { badRequest, conflict, guardError, notFound } from '../errors.js';
import { ERRORS, jsonBody, noContent, ok, security } from '../openapi-helpers.js';
import { pageOf, readPage } from '../pagination.js';
import { Id, PageQuery } from '../schemas/common.js';
import { Hypervisor, page } from '../schemas/responses.js';
import { HypervisorBody } from '../schemas/resources.js';

export const hypervisorRoutes = router();

const Param = z.object({
  h: Id.openapi({ param: { name: 'h', in: 'path', description: 'the hypervisor id' }, example: 'hv-1' }),
});

hypervisorRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/v1/hypervisors/{h}',
    operationId: 'putHypervisor',
    summary: 'Register or rename a hypervisor',
    description: 'Admin only. Idempotent: the same body again answers 200 and changes nothing.',
    tags: ['hypervisors'],
    security,
    request: { params: Param, body: jsonBody(HypervisorBody, { name: 'esx-01' }) },
    responses: { 200: ok(Hypervisor), 201: ok(Hypervisor, 'created'), ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin');
    const { h } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.id !== undefined && body.id !== h)
      throw badRequest(`body.id: "${body.id}" differs from path id "${h}"`);
    const db = c.get('db');
    const existed = await getHypervisor(db, h);
    await putHypervisor(db, { id: h, name: body.name });
    return c.json({ id: h, name: body.name }, existed ? 200 : 201);
  },
);

hypervisorRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/hypervisors/{h}',
    operationId: 'getHypervisor',
    summary: 'Read a hypervisor',
    tags: ['hypervisors'],
    security,
    request: { params: Param },
    responses: { 200: ok(Hypervisor), ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin', 'auditor', 'editor');
    const { h } = c.req.valid('param');
    const found = await getHypervisor(c.get('db'), h);
    if (!found) throw notFound('hypervisor', h);
    return c.json(found, 200);
  },
);

hypervisorRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/hypervisors',
    operationId: 'listHypervisors',
    summary: 'List hypervisors',
    tags: ['hypervisors'],
    security,
    request: { query: PageQuery },
    responses: { 200: ok(page(Hypervisor, 'HypervisorPage')), ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin', 'auditor', 'editor');
    const { after, limit } = readPage(c.req.valid('query'));
    const items = await listHypervisors(c.get('db'), after, limit);
    return c.json(
      pageOf(items, limit, (h) => h.id),
      200,
    );
  },
);

hypervisorRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/hypervisors/{h}',
    operationId: 'deleteHypervisor',
    summary: 'Remove a hypervisor',
    description: 'Admin only; 409 while it still hosts workloads.',
    tags: ['hypervisors'],
    security,
    request: { params: Param },
    responses: { 204: noContent('deleted'), ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin');
    const { h } = c.req.valid('param');
    const db = c.get('db');
    if (!(await getHypervisor(db, h))) throw notFound('hypervisor', h);
    const hosted = await workloadsOnHypervisor(db, h);
    if (hosted > 0)
      throw conflict('in-use', `hypervisor "${h}" still hosts ${hosted} workload(s)`, { workloads: hosted });
    try {
      await deleteHypervisor(db, h);
    } catch (err) {
      throw err instanceof GuardViolation ? guardError(err) : err;
    }
    return c.body(null, 204);
  },
);
