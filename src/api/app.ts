import { router } from './context.js';
import { authenticate } from './auth/authenticate.js';
import { errorResponse, noRoute } from './errors.js';
import { docsPage } from './docs-page.js';
import { DOCUMENT, registerSecuritySchemes } from './openapi-document.js';
import { databaseAnswers } from '../store/db.js';
import { requestHygiene } from './request-hygiene.js';
import { analysisRoutes } from './routes/analysis.js';
import { appRoutes } from './routes/apps.js';
import { auditRoutes } from './routes/audit.js';
import { dataplaneRoutes } from './routes/dataplane.js';
import { explainRoutes } from './routes/explain.js';
import { groupRoutes } from './routes/groups.js';
import { migrationRoutes } from './routes/migrations.js';
import { hypervisorRoutes } from './routes/hypervisors.js';
import { inventoryRoutes } from './routes/inventory.js';
import { policyRoutes } from './routes/policies.js';
import { realizationRoutes } from './routes/realization.js';
import { serviceRoutes } from './routes/services.js';
import { tenantRoutes } from './routes/tenants.js';
import { tokenRoutes } from './routes/tokens.js';
import { webhookRoutes } from './routes/webhooks.js';
import { workloadRoutes } from './routes/workloads.js';
import { metricsRoutes } from './routes/metrics.js';
import { countRequests } from '../metrics/count-requests.js';

export function createApp() {
  const app = router();
  app.use('*', countRequests);

  app.get('/healthz', async (c) =>
    (await databaseAnswers(c.env.DB)) ? c.json({ ok: true }, 200) : c.json({ ok: false }, 503),
  );
  app.get('/docs', (c) => c.html(docsPage('/openapi.json')));
  registerSecuritySchemes(app.openAPIRegistry);
  app.doc31('/openapi.json', DOCUMENT);

  app.use('/v1/*', authenticate);
  app.use('/metrics', authenticate);
  app.use('*', requestHygiene(app.openAPIRegistry));
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
    explainRoutes,
    migrationRoutes,
    inventoryRoutes,
    realizationRoutes,
    webhookRoutes,
    metricsRoutes,
    analysisRoutes,
  ];
  for (const routes of resources) app.route('/', routes);

  app.notFound((c) => {
    const { status, body } = errorResponse(noRoute(c.req.method, c.req.path));
    return c.json(body, status);
  });
  app.onError((err, c) => {
    const { status, body } = errorResponse(err);
    if (status === 500) console.error('unhandled', err instanceof Error ? err.stack : String(err));
    return c.json(body, status);
  });
  return app;
}
