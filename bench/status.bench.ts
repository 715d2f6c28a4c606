/**
 * Status latency while hypervisors realize a large policy, through `wrangler dev`: one tenant with 8
 * hypervisors, 400 workloads (50 per hypervisor) in 40 dynamic groups and one policy of 10,000 rules, each
 * with appliedTo (half to a group every workload is in, half to one of the 40 groups), so every hypervisor
 * compiles and installs a rule set with 40 distinct rule lists of ~5,000 rules. The policy is written with
 * `Prefer: respond-async`, then changed in one rule; during both realizations one poller per hypervisor
 * reads GET /v1/hypervisors/{h}/status back to back. Reports p50, p99 and max status latency and the
 * realization times.
 * Run: npx tsx bench/status.bench.ts
 */
import { Client, isMain, pool, sleep, startDevServer, type DevServer } from './wrangler-dev.js';

const TENANT = 'status';
const HYPERVISORS = 8;
const WORKLOADS = 400;
const GROUPS = 40;
const RULES = 10_000;
const CONCURRENCY = 8;
const POLL_TIMEOUT_MS = 30_000;
const REALIZE_TIMEOUT_MS = 300_000;
const ASYNC = { prefer: 'respond-async' };

export const TARGET_STATUS_MAX_MS = 2000;

const hv = (i: number) => `sthv-${i}`;

function workload(i: number) {
  return {
    hypervisor: hv(i % HYPERVISORS),
    vnics: [{ id: `st-${i}-eth0`, ips: [`10.${20 + (i >> 8)}.${i & 255}.1`] }],
    tags: ['fleet', `g=${i % GROUPS}`],
  };
}

function policy(variant: number) {
  const rules = Array.from({ length: RULES }, (_, k) => ({
    id: `r${k}`,
    sources: { cidrs: [`172.${16 + (k % 16)}.${(k >> 4) & 255}.0/24`] },
    services: [
      { proto: k % 3 ? 'tcp' : 'udp', ports: String(1 + ((k * 7 + variant * (k === 0 ? 1 : 0)) % 65000)) },
    ],
    appliedTo: [k % 2 ? `g${k % GROUPS}` : 'fleet'],
    direction: 'in',
    action: k % 5 ? 'allow' : 'drop',
  }));
  return { category: 'application', priority: 10, rules };
}

interface HvStatus {
  tenants: { tenant: string; desiredRevision: number; realizedRevision: number | null }[];
}

const revisionOf = (h: Headers) => Number(String(h.get('etag')).replaceAll(/\D/g, ''));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One poller per hypervisor, back to back, until every hypervisor enforces `revision`; latencies of every
 * poll (a timed-out poll counts as its timeout) and the time until all realized.
 */
async function pollUntilRealized(
  client: Client,
  admin: string,
  revision: number,
  latencies: number[],
): Promise<{ ms: number; timeouts: number }> {
  const t0 = performance.now();
  let timeouts = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: HYPERVISORS }, async (_, i) => {
      while (performance.now() - t0 < REALIZE_TIMEOUT_MS) {
        const s = performance.now();
        const r = await client
          .call<HvStatus>('status', 'GET', `/v1/hypervisors/${hv(i)}/status`, admin)
          .catch(() => null);
        latencies.push(performance.now() - s);
        if (!r) {
          timeouts++;
          continue;
        }
        const t = r.body.tenants?.find((x) => x.tenant === TENANT);
        if (t && (t.realizedRevision ?? 0) >= revision) break;
        await sleep(20);
      }
      done++;
    }),
  );
  return { ms: done === HYPERVISORS ? performance.now() - t0 : NaN, timeouts };
}

export async function run(shared?: DevServer): Promise<Record<string, number>> {
  const server = shared ?? (await startDevServer('status'));
  const client = new Client(server.base);
  const statusClient = new Client(server.base, POLL_TIMEOUT_MS);
  const admin = server.adminToken;
  try {
    await client.ok('setup', 'POST', '/v1/tenants', admin, { id: TENANT, name: 'Status bench' });
    const editor = (
      await client.ok<{ token: string }>('setup', 'POST', '/v1/tokens', admin, {
        role: 'editor',
        tenant: TENANT,
      })
    ).token;
    for (let i = 0; i < HYPERVISORS; i++)
      await client.ok('setup', 'PUT', `/v1/hypervisors/${hv(i)}`, admin, { name: hv(i) });
    const base = `/v1/tenants/${TENANT}`;
    await pool(WORKLOADS, CONCURRENCY, async (i) => {
      await client.ok('setup', 'PUT', `${base}/workloads/st-${i}`, editor, workload(i), ASYNC);
    });
    await client.ok('setup', 'PUT', `${base}/groups/fleet`, editor, {
      criteria: { field: 'tag', op: 'exists', value: 'fleet' },
    });
    await pool(GROUPS, CONCURRENCY, async (g) => {
      await client.ok('setup', 'PUT', `${base}/groups/g${g}`, editor, {
        criteria: { field: 'tag', op: 'equals', value: `g=${g}` },
      });
    });
    // realize the inventory first, so the rounds below measure the policy alone
    const inventory = await client.call('setup', 'GET', base, editor);
    await pollUntilRealized(statusClient, admin, revisionOf(inventory.headers), []);

    const latencies: number[] = [];
    const realizeMs: number[] = [];
    let timeouts = 0;
    for (const variant of [0, 1]) {
      const t0 = performance.now();
      const res = await client.call('policy', 'PUT', `${base}/policies/big`, editor, policy(variant), ASYNC);
      if (res.status >= 300)
        throw new Error(`PUT policy → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      const revision = revisionOf(res.headers);
      const round = await pollUntilRealized(statusClient, admin, revision, latencies);
      timeouts += round.timeouts;
      realizeMs.push(Number.isNaN(round.ms) ? NaN : performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    if (client.failures.length) console.error('status: API failures:\n  ' + client.failures.join('\n  '));
    return {
      hypervisors: HYPERVISORS,
      rules: RULES,
      statusPolls: latencies.length,
      statusP50Ms: percentile(latencies, 50),
      statusP99Ms: percentile(latencies, 99),
      statusMaxMs: latencies[latencies.length - 1] ?? NaN,
      statusTimeouts: timeouts,
      realizeCreateMs: realizeMs[0]!,
      realizeUpdateMs: realizeMs[1]!,
    };
  } finally {
    if (!shared) await server.stop();
  }
}

if (isMain(import.meta.url)) {
  const r = await run();
  for (const [name, value] of Object.entries(r))
    console.log(`${name.padEnd(24)} ${Number(value.toFixed(3))}`);
}
