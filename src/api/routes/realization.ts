import { createRoute, z } from '@hono/zod-openapi';
import { router } from '../context.js';
import { ERRORS, ok, security } from '../openapi-helpers.js';
import { realizerOf } from '../../env.js';
import { TenantParam } from '../schemas/common.js';
import { readableTenant } from '../tenant-write.js';

export const realizationRoutes = router();

const Realization = z
  .object({
    tenant: z.string(),
    desiredRevision: z.number(),
    realizedRevision: z.number(),
    hypervisors: z.array(z.string()),
    error: z.string().nullable(),
    unrealizableRevision: z.number().nullable(),
  })
  .openapi('Realization');

realizationRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/realization',
    operationId: 'getRealization',
    summary: 'Realization of a tenant',
    tags: ['data plane'],
    security,
    description:
      'The tenant revision wanted centrally, the newest one pushed to every hypervisor hosting it, and the ' +
      'last realization error (a push that failed is retried; a revision that cannot compile is not, and the ' +
      'next revision is realized as usual).',
    request: { params: TenantParam },
    responses: { 200: ok(Realization), ...ERRORS },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    const tenant = await readableTenant(c, t);
    const state = await realizerOf(c.env, t).status();
    return c.json(
      {
        tenant: t,
        desiredRevision: tenant.revision,
        realizedRevision: state?.realized ?? 0,
        hypervisors: state?.hypervisors ?? [],
        error: state?.error ?? null,
        unrealizableRevision: state?.unrealizable || null,
      },
      200,
    );
  },
);
