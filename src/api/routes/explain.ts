import { createRoute, z } from '@hono/zod-openapi';
import { compileCache, compileRuleSet } from '../../compiler/compile-rule-set.js';
import type { CompiledRuleSet } from '../../compiler/types.js';
import { hypervisorOf } from '../../env.js';
import {
  DecisionPlanes,
  explain,
  ExplainError,
  planExplain,
  type ExplainQuery,
} from '../../explain/index.js';
import { resolveGroups } from '../../policy/group-resolver.js';
import { PolicyError } from '../../policy/policy-error.js';
import { parseProtocol } from '../../policy/protocols.js';
import { loadTenantStateCached } from '../../store/tenant-state.js';
import { router } from '../context.js';
import { badRequest, unprocessable } from '../errors.js';
import { ERRORS, jsonBody, ok, security } from '../openapi-helpers.js';
import { Explanation } from '../schemas/explanation.js';
import { Id, IpAddress, TenantParam } from '../schemas/common.js';
import { readableTenant } from '../tenant-write.js';

export const explainRoutes = router();

const Endpoint = z.union([
  z.strictObject({ workload: Id }),
  z.strictObject({ vnic: Id }),
  z.strictObject({ ip: IpAddress }),
]);
const Port = z.number().int().min(0).max(65535);
const IcmpValue = z.number().int().min(0).max(255);

const ExplainBody = z
  .strictObject({
    src: Endpoint,
    dst: Endpoint,
    proto: z.union([z.enum(['tcp', 'udp', 'icmp', 'icmpv6']), z.number().int().min(0).max(255)]),
    sport: Port.optional(),
    dport: Port.optional(),
    icmpType: IcmpValue.optional(),
    icmpCode: IcmpValue.optional(),
  })
  .openapi('ExplainRequest');

/** Scratch data planes of recently explained rule sets, so a repeated explain reuses built classifiers. */
const planes = new DecisionPlanes(8);

explainRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/tenants/{t}/explain',
    operationId: 'explainPacket',
    summary: 'Explain a connection',
    tags: ['explain'],
    security,
    description:
      'Explains the first packet of a connection (for TCP, a SYN) between two endpoints: one hop per ' +
      'enforcement point (source vNIC out, destination vNIC in), each decided as its hypervisor decides at ' +
      'the revision it enforces, with every rule looked at before the decision and why it did not match.',
    request: {
      params: TenantParam,
      body: jsonBody(ExplainBody, {
        src: { workload: 'web-1' },
        dst: { workload: 'db-1' },
        proto: 'tcp',
        dport: 5432,
      }),
    },
    responses: { 200: ok(Explanation, 'the verdict and one hop per enforcement point'), ...ERRORS },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    const body = c.req.valid('json');
    const tenant = await readableTenant(c, t);
    const { state, vnicHandles } = await loadTenantStateCached(c.get('db'), tenant);
    const query: ExplainQuery = { ...body, proto: parseProtocol(body.proto) };
    try {
      const plan = planExplain(state, query);
      const hypervisors = [...new Set(plan.hops.map((h) => h.hypervisor))];
      const realized = new Map<string, CompiledRuleSet | null>(
        await Promise.all(
          hypervisors.map(async (h) => [h, await hypervisorOf(c.env, h).ruleSetOf(t)] as const),
        ),
      );
      const resolved = resolveGroups(state.workloads, state.groups);
      const cache = compileCache(state, resolved);
      const desired = (hypervisor: string) =>
        compileRuleSet({ state, hypervisor, vnicHandles, resolved, cache });
      return c.json(explain({ plan, state, resolved, realized, desired, planes }) as never, 200);
    } catch (err) {
      if (err instanceof ExplainError)
        throw err.code === 'invalid-packet'
          ? badRequest(`body.${err.message}`, { field: err.field })
          : unprocessable(err.code, `body.${err.message}`, { field: err.field });
      if (err instanceof PolicyError)
        throw unprocessable(
          'unrealizable-revision',
          `revision ${state.revision} does not compile: ${err.message}`,
        );
      throw err;
    }
  },
);
