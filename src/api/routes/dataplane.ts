import { createRoute, z } from '@hono/zod-openapi';
import { hypervisorOf } from '../../env.js';
import { tenantHypervisors, tenantRuleTotals } from '../rule-stats.js';
import { getHypervisor } from '../../store/hypervisors.js';
import { getPolicy } from '../../store/policies.js';
import { getTenant, listTenants } from '../../store/tenants.js';
import { vnicsOnHypervisor } from '../../store/workloads.js';
import { assertHypervisorAgent, assertRole, assertTenantRead } from '../auth/principal.js';
import type { Context } from 'hono';
import { etag } from 'hono/etag';
import { router, type AppEnv } from '../context.js';
import { badRequest, batchRefused, notFound, unprocessable, unsupportedMediaType } from '../errors.js';
import { exchangeBinaryBatch } from '../../hypervisor/binary-exchange.js';
import { nestsDeeperThan } from '../json-depth.js';
import { ERRORS, ok, security, TOO_LARGE } from '../openapi-helpers.js';
import { Id, TenantObjectParams, TenantParam } from '../schemas/common.js';
import { readableTenant } from '../tenant-write.js';
import { PacketBatch, VerdictBatch } from '../schemas/packets.js';
import { exportOf, FlowLogEntry, page } from '../schemas/responses.js';
import { exportFileName, exportRange, exportResponse } from '../evidence-export.js';
import { assertFlowLogExportSize, FLOW_LOG_COLUMNS, flowLogCells, flowLogPages } from '../flow-log-export.js';

export const dataplaneRoutes = router();

dataplaneRoutes.openAPIRegistry.register('PacketBatch', PacketBatch);

// the console polls a policy's counters: an unchanged answer (a 10,000-rule policy's is megabytes) is a 304
dataplaneRoutes.use('/v1/tenants/:t/policies/:id/stats', etag());

/** A batch nests four deep (body, packets, packet, an ICMP error's inner header): room to spare. */
const MAX_BATCH_DEPTH = 8;
const Param = z.object({
  h: Id.openapi({ param: { name: 'h', in: 'path', description: 'the hypervisor id' }, example: 'hv-1' }),
});

const HostedVnic = z
  .object({ handle: z.number().int(), tenant: z.string(), workload: z.string(), vnic: z.string() })
  .openapi('HostedVnic');

const RuleHandle = z
  .object({ handle: z.number().int(), tenant: z.string(), policy: z.string(), rule: z.string() })
  .openapi('RuleHandle');

const PolicyStats = z
  .object({
    policy: z.string(),
    rules: z.array(
      z.object({
        rule: z.string(),
        hits: z.number().int(),
        packets: z.number().int(),
        bytes: z.number().int(),
        sessions: z.number().int(),
        lastHit: z.string().nullable().openapi({ format: 'date-time' }),
        countersSince: z.string().nullable().openapi({ format: 'date-time' }),
      }),
    ),
  })
  .openapi('PolicyStats');

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

dataplaneRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/hypervisors/{h}/packets',
    operationId: 'judgePackets',
    summary: 'Judge a batch of packets',
    tags: ['data plane'],
    security,
    description:
      'Judges a batch of up to 65,536 packets (JSON, or with application/octet-stream the binary records of ' +
      'the README: OWP1, OWP4 for IPv4 only, or OWC1 in columns). A malformed batch is refused whole (400, naming the first ' +
      'bad record); over the limit is 413.',
    request: {
      params: Param,
      body: {
        required: true,
        // references, not zod schemas: the hypervisor object validates the batch itself, naming the first bad record
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/PacketBatch' },
            example: {
              packets: [
                {
                  vnic: 'web-1-eth0',
                  dir: 'out',
                  src: '10.0.1.5',
                  dst: '10.0.2.7',
                  proto: 6,
                  sport: 40512,
                  dport: 5432,
                  flags: 'S',
                  len: 60,
                },
              ],
            },
          },
          'application/octet-stream': {
            schema: {
              type: 'string',
              format: 'binary',
              description:
                'OWP1 (48-byte) or OWP4 (24-byte IPv4) packet records, or OWC1 columns, as the README specifies',
            },
          },
        },
      },
    },
    responses: {
      200: {
        description: 'one verdict per packet, in order (binary verdict records for a binary batch)',
        content: {
          'application/json': {
            schema: VerdictBatch,
            example: { verdicts: [{ action: 'allow', rule: 'web-to-db', policy: 'app', reason: 'new' }] },
          },
          'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
      ...TOO_LARGE,
      ...ERRORS,
    },
  }),
  async (c) => {
    const { h } = c.req.param() as { h: string };
    assertHypervisorAgent(c.get('principal'), h);
    const type = c.req.header('content-type') ?? '';
    const stub = hypervisorOf(c.env, h);
    if (type.startsWith('application/octet-stream')) {
      // streamed to the object unread: request hygiene refused a body over the route's limit (body-limits.ts)
      // and buffered one of no declared length within it
      const out = await exchangeBinaryBatch(stub, c.req.raw.body);
      if (!out.ok) throw batchRefused(out);
      return new Response(out.verdicts, { headers: { 'content-type': 'application/octet-stream' } }) as never;
    }
    if (!type.startsWith('application/json'))
      throw unsupportedMediaType('send application/json or application/octet-stream');
    const text = new TextDecoder().decode(await c.req.arrayBuffer());
    // the parse crosses to the object by structured clone, which a deep enough nesting overflows
    if (nestsDeeperThan(text, MAX_BATCH_DEPTH))
      throw unprocessable('too-deep', `body: nested deeper than ${MAX_BATCH_DEPTH} levels`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest('body: malformed JSON');
    }
    const out = await stub.processJson(parsed);
    if (!out.ok) throw batchRefused(out);
    return c.json(out.result, 200);
  },
);

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/hypervisors/{h}/vnics',
    operationId: 'listHypervisorVnics',
    summary: 'vNIC handles of a hypervisor',
    tags: ['data plane'],
    security,
    description: 'The vNICs hosted here with their numeric handles, as binary packet records name them.',
    request: { params: Param },
    responses: { 200: ok(page(HostedVnic, 'HostedVnicPage')), ...ERRORS },
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
    operationId: 'listHypervisorRules',
    summary: 'Rule handles of a hypervisor',
    tags: ['data plane'],
    security,
    description: 'The rule handles of this hypervisor, as binary verdict records name them.',
    request: { params: Param },
    responses: { 200: ok(page(RuleHandle, 'RuleHandlePage')), ...ERRORS },
  }),
  async (c) => {
    const { h } = c.req.valid('param');
    const visible = await hypervisorReader(c, h);
    const table = await hypervisorOf(c.env, h).ruleTable();
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
    operationId: 'getHypervisorStatus',
    summary: 'Realization on a hypervisor',
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
      hypervisorOf(c.env, h).status(),
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

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/policies/{id}/stats',
    operationId: 'getPolicyStats',
    summary: 'Rule counters of a policy',
    tags: ['data plane'],
    security,
    description:
      'Per rule hits, packets, bytes and sessions summed over hypervisors, the last hit (ISO time) and ' +
      'countersSince: since when the sums count (the earliest hypervisor to install the rule); null when no ' +
      'hypervisor holds the rule yet.',
    request: {
      params: TenantObjectParams,
      headers: z.object({
        'if-none-match': z
          .string()
          .optional()
          .openapi({
            param: { in: 'header', description: 'the ETag of an earlier answer: 304 while unchanged' },
          }),
      }),
    },
    responses: {
      200: {
        ...ok(PolicyStats),
        headers: {
          ETag: {
            description: 'of this answer: send it as If-None-Match for a 304',
            schema: { type: 'string' },
          },
        },
      },
      304: { description: 'unchanged since the ETag sent as If-None-Match' },
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    await readableTenant(c, t);
    const policy = await getPolicy(c.get('db'), t, id);
    if (!policy) throw notFound('policy', id);
    const summed = await tenantRuleTotals(c.env, t, id);
    const zero = { hits: 0, packets: 0, bytes: 0, sessions: 0, lastHit: 0, countersSince: Infinity };
    const totals = policy.rules.map((r) => {
      const {
        policy: _p,
        rule: _r,
        ...sum
      } = summed.get(`${id}\u0000${r.id}`) ?? { policy: id, rule: r.id, ...zero };
      return { rule: r.id, ...sum };
    });
    // summed over hypervisors: counted since the earliest of them started, last hit on any of them
    const rules = totals.map((r) => ({
      ...r,
      lastHit: r.lastHit > 0 ? new Date(r.lastHit).toISOString() : null,
      countersSince: Number.isFinite(r.countersSince) ? new Date(r.countersSince).toISOString() : null,
    }));
    return c.json({ policy: id, rules }, 200);
  },
);

dataplaneRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/flowlogs',
    operationId: 'listFlowLogs',
    summary: 'Read the flow log',
    tags: ['data plane'],
    security,
    description:
      'Verdicts of rules with log: true, newest first, merged over the hypervisors; each hypervisor keeps ' +
      'at least its newest 100,000. Paged: pass nextCursor as cursor for the next page. With format=csv or ' +
      'json, a download of every entry from since to until (inclusive; until defaults to now), newest first, ' +
      'at most 100,000 entries (a larger range is a 400).',
    request: {
      params: TenantParam,
      query: z.object({
        hypervisor: Id.optional(),
        workload: Id.optional(),
        rule: Id.optional().openapi({ description: 'a rule id' }),
        action: z.enum(['allow', 'drop', 'reject']).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
        format: z.enum(['csv', 'json']).optional().openapi({ description: 'a download of the whole range' }),
        limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ default: 100 }),
        cursor: z.string().max(4096).optional().openapi({ description: 'nextCursor of the previous page' }),
      }),
    },
    responses: {
      200: {
        description: 'a page of entries, newest first; with format, the download as an attachment',
        content: {
          'application/json': {
            schema: z.union([page(FlowLogEntry, 'FlowLogPage'), exportOf(FlowLogEntry, 'FlowLogExport')]),
          },
          'text/csv': { schema: z.string() },
        },
      },
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    assertTenantRead(c.get('principal'), t);
    if (!(await getTenant(c.get('db'), t))) throw notFound('tenant', t);
    const q = c.req.valid('query');
    const limit = q.limit ?? 100;
    const hvs = q.hypervisor ? [q.hypervisor] : await tenantHypervisors(c.env, t);
    const { since, until } = exportRange(q);
    if (q.format) {
      if (q.limit !== undefined || q.cursor !== undefined)
        throw badRequest('query.format: an export reads every page itself; it takes no limit or cursor');
      const range = { since, until: until ?? new Date().toISOString() };
      const untilMs = Date.parse(range.until);
      const match = { tenant: t, workload: q.workload, rule: q.rule, action: q.action };
      const filter = { ...match, sinceMs: since ? Date.parse(since) : undefined };
      await assertFlowLogExportSize(c.env, hvs, filter, untilMs);
      return exportResponse({
        format: q.format,
        name: exportFileName('flowlog', t, range),
        range,
        columns: FLOW_LOG_COLUMNS,
        cells: flowLogCells,
        pages: flowLogPages(c.env, hvs, filter, untilMs),
      }) as never;
    }
    const before = q.cursor ? readFlowLogCursor(q.cursor) : {};
    const filter = {
      tenant: t,
      workload: q.workload,
      rule: q.rule,
      action: q.action,
      sinceMs: q.since ? Date.parse(q.since) : undefined,
      limit,
    };
    const pages = await Promise.all(
      hvs.map((h) =>
        before[h] === 0
          ? { entries: [], more: false }
          : until
            ? hypervisorOf(c.env, h).flowLogUntil({
                ...filter,
                untilMs: Date.parse(until),
                beforeSeq: before[h],
              })
            : hypervisorOf(c.env, h).flowLog({ ...filter, beforeSeq: before[h] }),
      ),
    );
    const merged = pages
      .flatMap((p, i) => p.entries.map((e) => ({ ...e, hypervisor: hvs[i]! })))
      .sort(
        (a, b) =>
          b.at - a.at ||
          (a.hypervisor < b.hypervisor ? -1 : a.hypervisor > b.hypervisor ? 1 : 0) ||
          b.seq - a.seq,
      )
      .slice(0, limit);
    // per hypervisor: read on below the last entry taken from it; 0 once nothing of it is left
    const next: Record<string, number> = {};
    hvs.forEach((h, i) => {
      const taken = merged.filter((e) => e.hypervisor === h);
      const page = pages[i]!;
      if (taken.length === page.entries.length && !page.more) next[h] = 0;
      else if (taken.length) next[h] = taken[taken.length - 1]!.seq;
      else if (before[h] !== undefined) next[h] = before[h];
    });
    const exhausted = hvs.every((h) => next[h] === 0);
    const items = merged.map(({ seq: _seq, ...e }) => ({ ...e, at: new Date(e.at).toISOString() }));
    return c.json({ items, nextCursor: exhausted ? null : writeFlowLogCursor(next) }, 200);
  },
);

/** A flow-log cursor: base64url of {hypervisor: sequence to read below (0 = nothing left)}. */
function writeFlowLogCursor(next: Record<string, number>): string {
  return btoa(JSON.stringify(next)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

function readFlowLogCursor(cursor: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
  } catch {
    parsed = null;
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.values(parsed).every((v) => Number.isSafeInteger(v) && (v as number) >= 0);
  if (!valid) throw badRequest('query.cursor: not a cursor this API returned');
  return parsed as Record<string, number>;
}
