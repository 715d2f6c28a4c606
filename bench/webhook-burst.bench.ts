import { printFigures } from './timing.js';
/**
 * Webhook burst through `wrangler dev` (issue 8): 1,000 signed NetBox v4 "VM created" deliveries
 * (`virtualization.virtualmachine`, 4 hypervisors) posted to one tenant's `POST /v1/webhooks/{t}/netbox`
 * 16 at a time; the time until every one is answered (a 200 `applied` answer means stored and the workload
 * recomputed), then `GET .../workloads` must list all 1,000 and `GET .../realization` is polled until the
 * realized revision reaches the desired one. Baseline in the same run: the same 1,000 deliveries, one at a
 * time, into a second tenant configured the same way.
 * Run: npx tsx bench/webhook-burst.bench.ts
 */
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, isMain, pool, sleep, startDevServer, type DevServer } from './wrangler-dev.js';

const TENANT = 'burst';
const DELIVERIES = Number(process.env.BENCH_BURST_DELIVERIES) || 1_000;
const CONCURRENCY = 16;
const HYPERVISORS = 4;
const SECRET = 'bench-netbox-secret-0001';
const REALIZE_LIMIT_MS = 120_000;
const POLL_MS = 100;
const MAX_PAGES = 50;

const hv = (i: number) => `hv-${i + 1}`;
const esx = (i: number) => `esx-${i + 1}`;

/** NetBox-style timestamp (microseconds, +00:00), one second apart per delivery. */
const stamp = (i: number) =>
  new Date(Date.parse('2026-07-12T08:00:00Z') + i * 1000).toISOString().replace('Z', '123+00:00');

/** A NetBox v4 webhook body (no body template) for a created VM; the shape of test/inventory/netbox-client.ts. */
function vmCreated(id: number): string {
  return JSON.stringify({
    event: 'created',
    timestamp: stamp(id),
    object_type: 'virtualization.virtualmachine',
    username: 'admin',
    request_id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    data: {
      id,
      name: `vm-${id}`,
      status: { value: 'active', label: 'Active' },
      site: { id: 1, name: 'fra1', slug: 'fra1' },
      cluster: { id: 2, name: 'cluster-a' },
      device: { id: 10 + (id % HYPERVISORS), name: esx(id % HYPERVISORS) },
      role: { id: 4, name: 'web', slug: 'web' },
      tenant: null,
      platform: { id: 5, name: 'ubuntu-24.04', slug: 'ubuntu' },
      tags: [{ id: 9, name: 'Tier Web', slug: 'tier-web' }],
      custom_fields: { owner: `team-${id % 10}`, cost_center: 42, unset: null },
    },
    snapshots: { prechange: null, postchange: null },
  });
}

const sign = (body: string) => createHmac('sha512', SECRET).update(body, 'utf8').digest('hex');

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Burst {
  ms: number;
  statuses: Record<string, number>;
  outcomes: Record<string, number>;
  latencies: number[];
  failures: string[];
}

/** Posts every body (exact bytes, signed, no bearer token) `concurrency` at a time. */
async function burst(
  client: Client,
  tenant: string,
  bodies: readonly string[],
  signatures: readonly string[],
  concurrency: number,
): Promise<Burst> {
  const label = `deliveries-c${concurrency}`;
  const statuses: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const latencies: number[] = [];
  const failures: string[] = [];
  const url = `${client.base}/v1/webhooks/${tenant}/netbox`;
  const t0 = performance.now();
  if (process.env.BENCH_MARK) console.error(`MARK start ${Date.now()}`);
  await pool(bodies.length, concurrency, async (i) => {
    const s0 = performance.now();
    let status = 0;
    let outcome = 'transport-error';
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hook-signature': signatures[i]! },
        body: bodies[i]!,
        signal: AbortSignal.timeout(client.timeoutMs),
      });
      status = res.status;
      const text = await res.text();
      try {
        const j = JSON.parse(text) as { outcome?: unknown; code?: unknown };
        outcome = typeof j.outcome === 'string' ? j.outcome : `error:${String(j.code ?? status)}`;
      } catch {
        outcome = `non-json:${status}`;
      }
      if (status !== 200 && failures.length < 10) failures.push(`#${i} → ${status} ${text.slice(0, 200)}`);
    } catch (err) {
      if (failures.length < 10) failures.push(`#${i}: ${err instanceof Error ? err.message : String(err)}`);
    }
    latencies.push(performance.now() - s0);
    client.count(label, status);
    statuses[status] = (statuses[status] ?? 0) + 1;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  });
  if (process.env.BENCH_MARK) console.error(`MARK end ${Date.now()}`);
  latencies.sort((a, b) => a - b);
  return { ms: performance.now() - t0, statuses, outcomes, latencies, failures };
}

/** Counts the tenant's NetBox workloads, paging with the cursor (bounded). */
async function countWorkloads(client: Client, tenant: string, token: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const body: { items: { id: string }[]; nextCursor: string | null } = await client.ok(
      'list',
      'GET',
      `/v1/tenants/${tenant}/workloads?limit=1000${q}`,
      token,
    );
    n += body.items.filter((w) => w.id.startsWith('netbox-vm-')).length;
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return n;
}

type Realization = { desiredRevision: number; realizedRevision: number; error: string | null };

/** Polls realization until realized == desired; ms waited (NaN when not within the limit) and the last answer. */
async function settle(client: Client, tenant: string, token: string) {
  const t0 = performance.now();
  let last: Realization | undefined;
  while (performance.now() - t0 < REALIZE_LIMIT_MS) {
    last = await client.ok<Realization>('realization', 'GET', `/v1/tenants/${tenant}/realization`, token);
    if (last.realizedRevision >= last.desiredRevision) return { ms: performance.now() - t0, last };
    await sleep(POLL_MS);
  }
  return { ms: NaN, last };
}

export async function run(shared?: DevServer): Promise<Record<string, number>> {
  const server = shared ?? (await startDevServer('webhook-burst'));
  const client = new Client(server.base, 120_000);
  const admin = server.adminToken;
  try {
    for (let h = 0; h < HYPERVISORS; h++)
      await client.ok('setup', 'PUT', `/v1/hypervisors/${hv(h)}`, admin, { name: hv(h) });
    const hypervisors = Object.fromEntries(Array.from({ length: HYPERVISORS }, (_, h) => [esx(h), hv(h)]));
    const setup = async (tenant: string, name: string) => {
      await client.ok('setup', 'POST', '/v1/tenants', admin, { id: tenant, name });
      const { token } = await client.ok<{ token: string }>('setup', 'POST', '/v1/tokens', admin, {
        role: 'editor',
        tenant,
      });
      await client.ok('setup', 'PUT', `/v1/tenants/${tenant}/webhooks/netbox`, token, {
        secrets: [SECRET],
        hypervisors,
      });
      return token;
    };

    const bodies = Array.from({ length: DELIVERIES }, (_, i) => vmCreated(i + 1));
    const signatures = bodies.map(sign);
    const bodyBytes = bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);

    const measure = async (tenant: string, concurrency: number) => {
      const token = await setup(tenant, `Webhook burst, concurrency ${concurrency}`);
      const b = await burst(client, tenant, bodies, signatures, concurrency);
      const realize = await settle(client, tenant, token);
      const workloads = await countWorkloads(client, tenant, token);
      for (const f of b.failures) console.error(`webhook-burst c${concurrency}: ${f}`);
      if (realize.last?.error)
        console.error(`webhook-burst c${concurrency}: realization error ${realize.last.error}`);
      return { b, realize, workloads };
    };

    const burstRun = await measure(TENANT, CONCURRENCY);
    // BENCH_BURST_SERIAL=0 skips the baseline while iterating on the burst alone
    const serialRun =
      process.env.BENCH_BURST_SERIAL === '0' ? undefined : await measure(`${TENANT}-serial`, 1);

    const figures = (prefix: string, m: typeof burstRun) => {
      const { b, realize, workloads } = m;
      const out: Record<string, number> = {
        [`${prefix}Ms`]: b.ms,
        [`${prefix}PerSec`]: (DELIVERIES / b.ms) * 1000,
        [`${prefix}Applied`]: b.outcomes.applied ?? 0,
        [`${prefix}Non200`]: DELIVERIES - (b.statuses['200'] ?? 0),
        [`${prefix}P50Ms`]: quantile(b.latencies, 0.5),
        [`${prefix}P99Ms`]: quantile(b.latencies, 0.99),
        [`${prefix}MaxMs`]: b.latencies[b.latencies.length - 1] ?? NaN,
        [`${prefix}Workloads`]: workloads,
        [`${prefix}RealizeAfterMs`]: realize.ms,
        [`${prefix}RealizedMs`]: b.ms + realize.ms,
        [`${prefix}DesiredRevision`]: realize.last?.desiredRevision ?? NaN,
        [`${prefix}RealizedRevision`]: realize.last?.realizedRevision ?? NaN,
      };
      for (const [status, n] of Object.entries(b.statuses)) out[`${prefix}Status${status}`] = n;
      for (const [outcome, n] of Object.entries(b.outcomes))
        out[`${prefix}Outcome_${outcome.replace(/[^A-Za-z0-9]+/g, '_')}`] = n;
      return out;
    };

    return {
      deliveries: DELIVERIES,
      concurrency: CONCURRENCY,
      hypervisors: HYPERVISORS,
      bodyBytes,
      ...figures('burst', burstRun),
      ...(serialRun ? figures('serial', serialRun) : {}),
      apiErrors: client.failures.length,
    };
  } finally {
    if (!shared) await server.stop();
  }
}

if (isMain(import.meta.url)) {
  printFigures(await run());
}
