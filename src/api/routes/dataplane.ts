import { createRoute, z } from '@hono/zod-openapi';
import { hypervisorStub } from '../../realization/realize-tenant.js';
import { getHypervisor } from '../../store/hypervisors.js';
import { getPolicy } from '../../store/policies.js';
import { getTenant, listTenants } from '../../store/tenants.js';
import { vnicsOnHypervisor } from '../../store/workloads.js';
import { assertHypervisorAgent, assertRole, assertTenantRead } from '../auth/principal.js';
import type { Context } from 'hono';
import { router, type AppEnv } from '../context.js';
import { ApiError, badRequest, notFound, tooLarge } from '../errors.js';
import { AnyObject, ERRORS, ok, security } from '../openapi-helpers.js';
import { realizerStub } from '../realize-hook.js';
import { Id, TenantObjectParams, TenantParam } from '../schemas/common.js';
import { readableTenant } from '../tenant-write.js';

export const dataplaneRoutes = router();

/** Bodies above this are refused before they are read whole. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const Param = z.object({ h: Id.openapi({ param: { name: 'h', in: 'path' } }) });

/**
 * Admins, auditors and the hypervisor's own agent read its state; answers which tenants' parts the
 * caller may see (a tenant-scoped auditor sees its tenant only).
 */
async function hypervisorReader(c: Context<AppEnv>, h: string): Promise<(tenant: string) => boolean> {
  const p = c.get('principal');
  if (p.role === 'agent') assertHypervisorAgent(p, h);
  else assertRole(p, 'admin', 'auditor');
  if (!(await getHypervisor(c.get('db'), h))) throw notFound('hypervisor', h);
  return (tenant) => p.role !== 'auditor' || p.tenant === null || p.tenant === tenant;
}

async function readBody(req: Request): Promise<ArrayBuffer> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge(`a batch body may be at most ${MAX_BODY_BYTES} bytes`);
  const buf = await req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw tooLarge(`a batch body may be at most ${MAX_BODY_BYTES} bytes`);
  return buf;
}

dataplaneRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/hypervisors/{h}/packets',
    tags: ['data plane'],
    security,
    description:
      'Judges a batch of packets (JSON, or the binary format of the README with application/octet-stream). ' +
      'A malformed batch is refused whole (400, naming the first bad record); over the limit is 413.',
    request: {
      params: Param,
      body: {
        required: true,
        content: {
          // plain schemas: the hypervisor object validates the batch itself, naming the first bad record
          'application/json': { schema: { type: 'object', description: 'see README: JSON batch' } },
          'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        },
      },
    },
    responses: { 200: ok(AnyObject, 'one verdict per packet, in order'), 413: ERRORS[400], ...ERRORS },
  }),
  async (c) => {
    const { h } = c.req.param() as { h: string };
    assertHypervisorAgent(c.get('principal'), h);
    const type = c.req.header('content-type') ?? '';
    const stub = hypervisorStub(c.env, h);
    const body = await readBody(c.req.raw.clone());
    if (type.startsWith('application/octet-stream')) {
      const out = await stub.processBinary(body);
      if (!out.ok) throw new ApiError(out.status, out.code, out.message, { index: out.index });
      return new Response(out.result, { headers: { 'content-type': 'application/octet-stream' } }) as never;
    }
    if (!type.startsWith('application/json'))
      throw new ApiError(
        415 as never,
        'unsupported-media-type',
        'send application/json or application/octet-stream',
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(body));
    } catch {
      throw badRequest('body: malformed JSON');
    }
    const out = await stub.processJson(parsed);
    if (!out.ok) throw new ApiError(out.status, out.code, out.message, { index: out.index });
    return c.json(out.result, 200);
  },
);

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/hypervisors/{h}/vnics',
    tags: ['data plane'],
    security,
    description: 'The vNICs hosted here with their numeric handles, as binary packet records name them.',
    request: { params: Param },
    responses: { 200: ok(AnyObject), ...ERRORS },
  }),
  async (c) => {
    const { h } = c.req.valid('param');
    const visible = await hypervisorReader(c, h);
    const items = (await vnicsOnHypervisor(c.get('db'), h)).filter((v) => visible(v.tenant));
    return c.json({ items, nextCursor: null }, 200);
  },
);

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/hypervisors/{h}/rules',
    tags: ['data plane'],
    security,
    description: 'The rule handles of this hypervisor, as binary verdict records name them.',
    request: { params: Param },
    responses: { 200: ok(AnyObject), ...ERRORS },
  }),
  async (c) => {
    const { h } = c.req.valid('param');
    const visible = await hypervisorReader(c, h);
    const table = await hypervisorStub(c.env, h).ruleTable();
    const items = table
      .map((r, handle) => ({ handle, tenant: r[0]!, policy: r[1]!, rule: r[2]! }))
      .filter((r) => visible(r.tenant));
    return c.json({ items, nextCursor: null }, 200);
  },
);

const Status = z
  .object({
    id: z.string(),
    tenants: z.array(
      z.object({
        tenant: z.string(),
        desiredRevision: z.number(),
        realizedRevision: z.number().nullable(),
        rules: z.number(),
        flows: z.number(),
      }),
    ),
  })
  .openapi('HypervisorStatus');

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/hypervisors/{h}/status',
    tags: ['data plane'],
    security,
    description: 'Per tenant: the revision wanted centrally and the one this hypervisor enforces.',
    request: { params: Param },
    responses: { 200: ok(Status), ...ERRORS },
  }),
  async (c) => {
    const { h } = c.req.valid('param');
    const canSee = await hypervisorReader(c, h);
    const [realized, tenants] = await Promise.all([
      hypervisorStub(c.env, h).status(),
      listTenants(c.get('db')),
    ]);
    const revisions = new Map(tenants.map((t) => [t.id, t.revision]));
    const visible = realized.filter((r) => canSee(r.tenant));
    return c.json(
      {
        id: h,
        tenants: visible.map((r) => ({
          tenant: r.tenant,
          desiredRevision: revisions.get(r.tenant) ?? 0,
          realizedRevision: r.revision,
          rules: r.rules,
          flows: r.flows,
        })),
      },
      200,
    );
  },
);

/** The hypervisors that hold or held the tenant's rules: where its counters and flow logs live. */
async function tenantHypervisors(env: Parameters<typeof realizerStub>[0], tenant: string): Promise<string[]> {
  const state = await realizerStub(env, tenant).status();
  return state?.seen ?? [];
}

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/policies/{id}/stats',
    tags: ['data plane'],
    security,
    description: 'Per rule hits, packets, bytes and sessions, summed over hypervisors.',
    request: { params: TenantObjectParams },
    responses: { 200: ok(AnyObject), ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    await readableTenant(c, t);
    const policy = await getPolicy(c.get('db'), t, id);
    if (!policy) throw notFound('policy', id);
    const perHv = await Promise.all(
      (await tenantHypervisors(c.env, t)).map((h) => hypervisorStub(c.env, h).ruleStats(t, id)),
    );
    const totals = new Map(
      policy.rules.map((r) => [r.id, { rule: r.id, hits: 0, packets: 0, bytes: 0, sessions: 0 }]),
    );
    for (const stats of perHv)
      for (const s of stats) {
        const sum = totals.get(s.rule);
        if (!sum) continue;
        sum.hits += s.hits;
        sum.packets += s.packets;
        sum.bytes += s.bytes;
        sum.sessions += s.sessions;
      }
    return c.json({ policy: id, rules: [...totals.values()] }, 200);
  },
);

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/flowlogs',
    tags: ['data plane'],
    security,
    description: 'Verdicts of rules with log: true, newest first.',
    request: {
      params: TenantParam,
      query: z.object({
        hypervisor: Id.optional(),
        workload: Id.optional(),
        rule: Id.optional(),
        action: z.enum(['allow', 'drop', 'reject']).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
    },
    responses: { 200: ok(AnyObject), ...ERRORS },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    assertTenantRead(c.get('principal'), t);
    if (!(await getTenant(c.get('db'), t))) throw notFound('tenant', t);
    const q = c.req.valid('query');
    const limit = q.limit ?? 100;
    const hvs = q.hypervisor ? [q.hypervisor] : await tenantHypervisors(c.env, t);
    const filter = {
      tenant: t,
      workload: q.workload,
      rule: q.rule,
      action: q.action,
      sinceMs: q.since ? Date.parse(q.since) : undefined,
      limit,
    };
    const logs = await Promise.all(hvs.map((h) => hypervisorStub(c.env, h).flowLog(filter)));
    const items = logs
      .flatMap((entries, i) =>
        entries.map((e) => ({ ...e, hypervisor: hvs[i]!, at: new Date(e.at).toISOString() })),
      )
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, limit);
    return c.json({ items, nextCursor: null }, 200);
  },
);
