import { createRoute, z } from '@hono/zod-openapi';
import { getHypervisor } from '../../store/hypervisors.js';
import { getTenant } from '../../store/tenants.js';
import { deleteToken, insertToken, listTokens } from '../../store/tokens.js';
import { tokenCache } from '../auth/token-cache.js';
import { assertRole, ROLES } from '../auth/principal.js';
import { randomSecret, sha256Hex } from '../auth/secrets.js';
import { router } from '../context.js';
import { badRequest, notFound, unprocessable } from '../errors.js';
import { ERRORS, jsonBody, noContent, ok, security } from '../openapi-helpers.js';
import { pageOf, readPage } from '../pagination.js';
import { Id, PageQuery } from '../schemas/common.js';
import { page } from '../schemas/responses.js';
import { TokenCreate } from '../schemas/resources.js';

export const tokenRoutes = router();

const scope = {
  id: z.string(),
  role: z.string().openapi({ enum: ['admin', 'editor', 'auditor', 'agent', 'inventory'] }),
  tenant: z.string().nullable(),
  hypervisor: z.string().nullable(),
  name: z.string().nullable(),
  expiresAt: z.string().nullable().openapi({ description: 'after this instant the token answers 401' }),
};

const Issued = z
  .object({
    ...scope,
    token: z
      .string()
      .openapi({ readOnly: true, description: 'the bearer secret, shown in this answer only' }),
  })
  .openapi('IssuedToken');

const TokenInfo = z
  .object({
    ...scope,
    createdAt: z.string().openapi({ readOnly: true, format: 'date-time' }),
    lastUsedAt: z
      .string()
      .nullable()
      .openapi({ readOnly: true, description: 'last authenticated use, recorded at most once a minute' }),
  })
  .openapi('Token');

tokenRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/tokens',
    operationId: 'createToken',
    summary: 'Issue a token',
    tags: ['tokens'],
    security,
    description: 'Issues a token; its secret is in this answer only (stored as a SHA-256 hash).',
    request: { body: jsonBody(TokenCreate, { role: 'editor', tenant: 'acme' }) },
    responses: { 201: ok(Issued, 'issued'), ...ERRORS },
  }),
  async (c) => {
    const principal = c.get('principal');
    assertRole(principal, 'admin');
    const body = c.req.valid('json');
    const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw badRequest(`body.expiresAt: ${body.expiresAt} is not in the future`);
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
    const issued = {
      id,
      role: body.role,
      tenant: body.tenant ?? null,
      hypervisor: body.hypervisor ?? null,
      name: body.name ?? null,
      expiresAt: expiresAt?.toISOString() ?? null,
    };
    await insertToken(db, { ...issued, tokenId: id, hash: await sha256Hex(token) });
    return c.json({ ...issued, token }, 201);
  },
);

tokenRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tokens',
    operationId: 'listTokens',
    summary: 'List tokens',
    tags: ['tokens'],
    security,
    description: 'Lists issued tokens by id: their scope and use, never a secret or its hash.',
    request: { query: PageQuery },
    responses: { 200: ok(page(TokenInfo, 'TokenPage')), ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin');
    const { after, limit } = readPage(c.req.valid('query'));
    const items = await listTokens(c.get('db'), after, limit);
    return c.json(
      pageOf(items, limit, (t) => t.id),
      200,
    );
  },
);

tokenRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/tokens/{id}',
    operationId: 'deleteToken',
    summary: 'Revoke a token',
    tags: ['tokens'],
    security,
    request: { params: z.object({ id: Id }) },
    responses: { 204: noContent('revoked'), ...ERRORS },
  }),
  async (c) => {
    assertRole(c.get('principal'), 'admin');
    const { id } = c.req.valid('param');
    const deleted = await deleteToken(c.get('db'), id);
    tokenCache.forget(id);
    if (!deleted) throw notFound('token', id);
    return c.body(null, 204);
  },
);

const Whoami = z
  .object({
    tokenId: z.string(),
    role: z.enum(ROLES),
    tenant: z.string().nullable(),
    hypervisor: z.string().nullable(),
  })
  .openapi('Whoami');

tokenRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/whoami',
    operationId: 'whoami',
    summary: 'Who is calling',
    tags: ['tokens'],
    security,
    description: "The calling token's id, role and scope (so a client can default to the token's tenant).",
    responses: { 200: ok(Whoami), ...ERRORS },
  }),
  (c) => {
    const { tokenId, role, tenant, hypervisor } = c.get('principal');
    return c.json({ tokenId, role, tenant, hypervisor }, 200);
  },
);
