import { createRoute, z } from '@hono/zod-openapi';
import { analyseTenant, findingsCsv, type RuleUse } from '../../analysis/index.js';
import { policyAges } from '../../store/policy-ages.js';
import { loadTenantStateCached } from '../../store/tenant-state.js';
import { router } from '../context.js';
import { ERRORS, security } from '../openapi-helpers.js';
import { Analysis } from '../schemas/analysis.js';
import { TenantParam } from '../schemas/common.js';
import { readableTenant } from '../tenant-write.js';
import { tenantRuleTotals } from '../rule-stats.js';

export const analysisRoutes = router();

analysisRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/analysis',
    operationId: 'analyzeTenant',
    summary: 'Find rule anomalies',
    tags: ['analysis'],
    security,
    description:
      'Rule anomalies at the current revision: shadowed, redundant, correlated, generalization, irrelevant ' +
      'and unused rules, each with the rules involved, a sample packet and a suggested fix (nothing is ' +
      'applied). Shadowing and redundancy are exact over every distinct vNIC rule list unless a finding ' +
      'says `exact: false` (a residual exceeded `boxCap` boxes). `unused` states the counter baseline. ' +
      '`?format=csv` answers the findings as CSV.',
    request: {
      params: TenantParam,
      query: z.object({
        format: z
          .enum(['json', 'csv'])
          .optional()
          .openapi({ description: 'csv: the findings as a download' }),
      }),
    },
    responses: {
      200: {
        description: 'the analysis, or its findings as text/csv',
        content: { 'application/json': { schema: Analysis }, 'text/csv': { schema: z.string() } },
      },
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    const tenant = await readableTenant(c, t);
    const db = c.get('db');
    const [{ state }, totals, ages] = await Promise.all([
      loadTenantStateCached(db, tenant),
      tenantRuleTotals(c.env, t),
      policyAges(db, t),
    ]);
    const use = new Map<string, RuleUse>();
    for (const [key, s] of totals) {
      use.set(key, {
        hits: s.hits,
        lastHit: s.lastHit > 0 ? s.lastHit : null,
        countersSince: Number.isFinite(s.countersSince) ? s.countersSince : null,
      });
    }
    const now = Date.now();
    const result = analyseTenant({ state, use, ages, now });
    if (c.req.valid('query').format === 'csv') {
      return c.body(findingsCsv(result.findings), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="analysis-${t}-r${state.revision}.csv"`,
      }) as never;
    }
    return c.json(
      { tenant: t, revision: state.revision, generatedAt: new Date(now).toISOString(), ...result },
      200,
    );
  },
);
