import { HTTPException } from 'hono/http-exception';
import { router } from './context.js';
import { authenticate } from './auth/authenticate.js';
import { PolicyError } from '../policy/policy-error.js';
import { ApiError, errorBody } from './errors.js';
import { docsPage } from './docs-page.js';
import { appRoutes } from './routes/apps.js';
import { auditRoutes } from './routes/audit.js';
import { dataplaneRoutes } from './routes/dataplane.js';
import { groupRoutes } from './routes/groups.js';
import { migrationRoutes } from './routes/migrations.js';
import { hypervisorRoutes } from './routes/hypervisors.js';
import { policyRoutes } from './routes/policies.js';
import { realizationRoutes } from './routes/realization.js';
import { serviceRoutes } from './routes/services.js';
import { tenantRoutes } from './routes/tenants.js';
import { tokenRoutes } from './routes/tokens.js';
import { workloadRoutes } from './routes/workloads.js';

export function createApp() {
  const app = router();

  app.get('/healthz', async (c) => {
    try {
      await c.env.DB.prepare('SELECT 1').first();
      return c.json({ ok: true }, 200);
    } catch {
      return c.json({ ok: false }, 503);
    }
  });
  app.get('/docs', (c) => c.html(docsPage('/openapi.json')));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'omniwall',
      version: '1',
      description: 'Distributed firewall policy, data plane and migration API',
    },
  });

  app.use('/v1/*', authenticate);
  const resources = [
    tenantRoutes,
    tokenRoutes,
    hypervisorRoutes,
    workloadRoutes,
    groupRoutes,
    serviceRoutes,
    policyRoutes,
    appRoutes,
    auditRoutes,
    dataplaneRoutes,
    migrationRoutes,
    realizationRoutes,
  ];
  for (const routes of resources) app.route('/', routes);

  app.notFound((c) => c.json(errorBody('not-found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
    if (err instanceof PolicyError) return c.json(errorBody(err.code, err.message, err.details), 422);
    if (err instanceof HTTPException) {
      const status = err.status;
      const message = /malformed json/i.test(err.message) ? 'body: malformed JSON' : err.message;
      return c.json(errorBody(status === 400 ? 'invalid-request' : 'http-error', message), status);
    }
    console.error('unhandled', err instanceof Error ? err.stack : String(err));
    return c.json(errorBody('internal', 'internal error'), 500);
  });
  return app;
}
