import { printFigures } from './timing.js';
/**
 * Inventory sync through `wrangler dev`: one PUT .../inventory/{source} of 10,000 workloads (1–2 vNICs,
 * 20 hypervisors) into an empty tenant, answered once realized; a resync changing 300 of them (100
 * updated, 100 deleted, 100 created); a repeat that changes nothing. Baseline in the same run: single
 * workload PUTs (`Prefer: respond-async`, 12 concurrent clients) for a fixed time, as writes/s.
 * Run: npx tsx bench/inventory-sync.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { Client, isMain, startDevServer, type DevServer } from './wrangler-dev.js';

const TENANT = 'sync';
const WORKLOADS = Number(process.env.BENCH_SYNC_WORKLOADS) || 10_000;
const HYPERVISORS = 20;
const CHANGES = 300;
const SINGLE_PUT_MS = 15_000;
const CONCURRENCY = 12;

const hv = (i: number) => `ihv-${String(i).padStart(2, '0')}`;

function workload(i: number, variant = 0) {
  const ip = (net: number) => `10.${net + (i >> 8)}.${i & 255}.10`;
  const vnics = [{ id: `w-${i}-eth0`, ips: [ip(100)] }];
  if (i % 4 === 0) vnics.push({ id: `w-${i}-eth1`, ips: [ip(150)] });
  return {
    id: `w-${i}`,
    name: `vm-${i}`,
    hypervisor: hv(i % HYPERVISORS),
    vnics,
    os: i % 2 ? 'linux' : 'windows',
    tags: [`tier=${['web', 'app', 'db'][i % 3]}`, `team=${i % 50}`, ...(variant ? [`v${variant}`] : [])],
    attributes: { env: ['prod', 'staging', 'dev'][i % 3]!, 'netbox.site': `site-${i % 5}` },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; out: T }> {
  const t0 = performance.now();
  const out = await work();
  return { ms: performance.now() - t0, out };
}

export async function run(shared?: DevServer): Promise<Record<string, number>> {
  const server = shared ?? (await startDevServer('inventory-sync'));
  const client = new Client(server.base, 300_000);
  const admin = server.adminToken;
  try {
    for (let h = 0; h < HYPERVISORS; h++)
      await client.ok('setup', 'PUT', `/v1/hypervisors/${hv(h)}`, admin, { name: hv(h) });
    await client.ok('setup', 'POST', '/v1/tenants', admin, { id: TENANT, name: 'Sync bench' });
    await client.ok('setup', 'POST', '/v1/tenants', admin, { id: `${TENANT}-single`, name: 'Single PUTs' });
    const token = async (tenant: string) =>
      (
        await client.ok<{ token: string }>('setup', 'POST', '/v1/tokens', admin, {
          role: 'inventory',
          tenant,
        })
      ).token;
    const inventory = await token(TENANT);
    const editor = (
      await client.ok<{ token: string }>('setup', 'POST', '/v1/tokens', admin, {
        role: 'editor',
        tenant: `${TENANT}-single`,
      })
    ).token;
    await client.ok('setup', 'PUT', `/v1/tenants/${TENANT}/groups/web`, admin, {
      criteria: { field: 'tag', op: 'equals', value: 'tier=web' },
    });
    const url = `/v1/tenants/${TENANT}/inventory/netbox`;
    type Answer = { created: string[]; updated: string[]; deleted: string[]; unchanged: number };

    const desired = Array.from({ length: WORKLOADS }, (_, i) => workload(i));
    const bodyBytes = Buffer.byteLength(JSON.stringify({ workloads: desired }));
    const dry = await timed(() =>
      client.ok<Answer>('sync', 'PUT', `${url}?dryRun=true`, inventory, { workloads: desired }),
    );
    const full = await timed(() => client.ok<Answer>('sync', 'PUT', url, inventory, { workloads: desired }));
    if (full.out.created.length !== WORKLOADS) throw new Error(`created ${full.out.created.length}`);

    const third = CHANGES / 3;
    const changed = desired
      .slice(third) // the first `third` are deleted
      .map((w, k) => (k < third ? workload(k + third, 1) : w));
    for (let i = 0; i < third; i++) changed.push(workload(WORKLOADS + i));
    const resync = await timed(() =>
      client.ok<Answer>('sync', 'PUT', url, inventory, { workloads: changed }),
    );
    const r = resync.out;
    if (r.created.length + r.updated.length + r.deleted.length !== CHANGES)
      throw new Error(`resync changed ${r.created.length}/${r.updated.length}/${r.deleted.length}`);
    const repeat = await timed(() =>
      client.ok<Answer>('sync', 'PUT', url, inventory, { workloads: changed }),
    );

    const singlePuts = async (concurrency: number, offset: number) => {
      let puts = 0;
      const t0 = performance.now();
      const deadline = t0 + SINGLE_PUT_MS;
      await Promise.all(
        Array.from({ length: concurrency }, async (_, lane) => {
          for (let i = lane; performance.now() < deadline; i += concurrency) {
            const { id, ...w } = workload(offset + i);
            await client.ok('single', 'PUT', `/v1/tenants/${TENANT}-single/workloads/${id}`, editor, w, {
              prefer: 'respond-async',
            });
            puts++;
          }
        }),
      );
      return (puts / (performance.now() - t0)) * 1000;
    };
    const singlePerSec = await singlePuts(CONCURRENCY, 0);
    const serialPerSec = await singlePuts(1, 20_000);
    return {
      workloads: WORKLOADS,
      bodyBytes,
      dryRunMs: dry.ms,
      syncMs: full.ms,
      syncWorkloadsPerSec: (WORKLOADS / full.ms) * 1000,
      resyncChanges: CHANGES,
      resyncMs: resync.ms,
      unchangedResyncMs: repeat.ms,
      singlePutsPerSec: singlePerSec,
      singlePutsFor10kS: WORKLOADS / singlePerSec,
      serialPutsPerSec: serialPerSec,
      apiErrors: client.failures.length,
    };
  } finally {
    if (!shared) await server.stop();
  }
}

if (isMain(import.meta.url)) {
  printFigures(await run());
}
