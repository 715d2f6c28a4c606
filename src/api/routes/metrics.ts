import { createRoute, z } from '@hono/zod-openapi';
import { collectMetrics } from '../../metrics/collect.js';
import { exposition, EXPOSITION_TYPE } from '../../metrics/exposition.js';
import { router } from '../context.js';
import { forbidden } from '../errors.js';
import { ERRORS, security } from '../openapi-helpers.js';

export const metricsRoutes = router();

metricsRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    tags: ['metrics'],
    security,
    description:
      'Prometheus text exposition 0.0.4 (admin or an auditor of all tenants): packets by tenant, hypervisor, ' +
      'action and reason, flows tracked, rule sets and realization lag per hypervisor, API requests by route ' +
      'and status, webhook deliveries by outcome, migrations by state.',
    responses: {
      200: { description: 'the exposition', content: { 'text/plain': { schema: z.string() } } },
      ...ERRORS,
    },
  }),
  async (c) => {
    const p = c.get('principal');
    if (p.role !== 'admin' && !(p.role === 'auditor' && p.tenant === null))
      throw forbidden('metrics span every tenant: an admin or an auditor of all tenants reads them');
    const text = exposition(await collectMetrics(c.env, c.get('db')));
    return new Response(text, { headers: { 'content-type': EXPOSITION_TYPE } }) as never;
  },
);
