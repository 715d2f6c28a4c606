import { createRoute, z } from '@hono/zod-openapi';
import { getHypervisor } from '../../store/hypervisors.js';
import { getTenant } from '../../store/tenants.js';
import { deleteToken, insertToken } from '../../store/tokens.js';
import { assertRole } from '../auth/principal.js';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import { router } from '../context.js';
import { notFound, unprocessable } from '../errors.js';
import { ERRORS, jsonBody, ok, security } from '../openapi-helpers.js';
import { Id } from '../schemas/common.js';
import { TokenCreate } from '../schemas/resources.js';

export const tokenRoutes = router();

const Issued = z
  .object({ id: z.string(), token: z.string(), role: z.string(), tenant: z.string().nullable() })
  .openapi('IssuedToken');

tokenRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/tokens',
    tags: ['tokens'],
    security,
    description: 'Issues a token; its secret is in this answer only (stored as a SHA-256 hash).',
    request: { body: jsonBody(TokenCreate) },
    responses: { 201: ok(Issued, 'issued'), ...ERRORS },
  }),
  async (c) => {
    const principal = c.get('principal');
    assertRole(principal, 'admin');
    const body = c.req.valid('json');
    const db = c.get('db');
    if (body.tenant && !(await getTenant(db, body.tenant)))
      throw unprocessable('unknown-tenant', `body.tenant: tenant "${body.tenant}" does not exist`);
    if (body.hypervisor && !(await getHypervisor(db, body.hypervisor)))
      throw unprocessable(
        'unknown-hypervisor',
        `body.hypervisor: hypervisor "${body.hypervisor}" does not exist`,
      );
    const id = randomSecret(9);
    const token = `ow.${id}.${randomSecret(24)}`;
    await insertToken(db, {
      tokenId: id,
      hash: await sha256Hex(token),
      role: body.role,
      tenant: body.tenant ?? null,
      hypervisor: body.hypervisor ?? null,
      name: body.name ?? null,
    });
    return c.json({ id, token, role: body.role, tenant: body.tenant ?? null }, 201);
  },
);

tokenRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/tokens/{id}',
    tags: ['tokens'],
    security,
    request: { params: z.object({ id: Id }) },
    responses: { 204: { description: 'revoked' }, ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin');
    const { id } = c.req.valid('param');
    if (!(await deleteToken(c.get('db'), id))) throw notFound('token', id);
    return c.body(null, 204);
  },
);
