/**
 * Migration benchmark (issue: migrate a workload holding 100,000 flows; target under 1 s locally), end to end
 * through `wrangler dev`: flows are opened with binary batches at hv-1, then the workload is migrated to hv-2
 * and the migrate call is timed. Every flow must pass as established at hv-2 afterwards.
 */
import {
  decodeBinaryVerdicts,
  encodeBinaryBatch,
  packetsToBatch,
  REASON,
} from '../src/dataplane/codec/index.js';
import type { PacketInput } from '../src/dataplane/codec/index.js';
import { Client, startDevServer, type DevServer } from './wrangler-dev.js';

export const FLOWS = 100_000;
export const TARGET_MIGRATION_MS = 1000;
const BATCH = 16_384;

function flowPackets(handle: number, flags: string, dir: 'out' | 'in'): PacketInput[][] {
  const batches: PacketInput[][] = [];
  for (let start = 0; start < FLOWS; start += BATCH) {
    const batch: PacketInput[] = [];
    for (let i = start; i < Math.min(FLOWS, start + BATCH); i++) {
      const peer = `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
      const sport = 1024 + (i % 60000);
      batch.push(
        dir === 'out'
          ? { vnic: handle, dir, src: '10.0.0.1', dst: peer, proto: 6, sport, dport: 443, flags, len: 60 }
          : {
              vnic: handle,
              dir,
              src: peer,
              dst: '10.0.0.1',
              proto: 6,
              sport: 443,
              dport: sport,
              flags,
              len: 60,
            },
      );
    }
    batches.push(batch);
  }
  return batches;
}

async function postBinary(base: string, hv: string, token: string, packets: PacketInput[]) {
  const res = await fetch(`${base}/v1/hypervisors/${hv}/packets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: encodeBinaryBatch(packetsToBatch(packets)),
  });
  if (res.status !== 200) throw new Error(`packets → ${res.status} ${await res.text()}`);
  return decodeBinaryVerdicts(await res.arrayBuffer());
}

export async function run(shared?: DevServer): Promise<Record<string, number>> {
  const server = shared ?? (await startDevServer('migration'));
  try {
    const api = new Client(server.base);
    const admin = server.adminToken;
    await api.ok('setup', 'POST', '/v1/tenants', admin, { id: 'mig', name: 'Migration bench' });
    for (const hv of ['mig-hv-1', 'mig-hv-2'])
      await api.ok('setup', 'PUT', `/v1/hypervisors/${hv}`, admin, { name: hv });
    const agent = async (hv: string) =>
      (
        await api.ok<{ token: string }>('setup', 'POST', '/v1/tokens', admin, {
          role: 'agent',
          hypervisor: hv,
        })
      ).token;
    const [agent1, agent2] = [await agent('mig-hv-1'), await agent('mig-hv-2')];
    await api.ok('setup', 'PUT', '/v1/tenants/mig/workloads/vm', admin, {
      hypervisor: 'mig-hv-1',
      vnics: [{ id: 'vm-eth0', ips: ['10.0.0.1'] }],
    });
    await api.ok('setup', 'PUT', '/v1/tenants/mig/policies/out', admin, {
      category: 'application',
      priority: 1,
      tcpStrict: true,
      rules: [{ id: 'https-out', services: ['https'], direction: 'out', action: 'allow' }],
    });
    const vnics = await api.ok<{ items: { vnic: string; handle: number }[] }>(
      'setup',
      'GET',
      '/v1/hypervisors/mig-hv-1/vnics',
      admin,
    );
    const handle = vnics.items.find((v) => v.vnic === 'vm-eth0')!.handle;

    const openStart = performance.now();
    for (const batch of flowPackets(handle, 'S', 'out'))
      await postBinary(server.base, 'mig-hv-1', agent1, batch);
    for (const batch of flowPackets(handle, 'SA', 'in'))
      await postBinary(server.base, 'mig-hv-1', agent1, batch);
    const openMs = performance.now() - openStart;

    const t0 = performance.now();
    const moved = await api.ok<{ state: string; flowsMoved: number }>(
      'migrate',
      'POST',
      '/v1/tenants/mig/workloads/vm/migrate',
      admin,
      { to: 'mig-hv-2', id: 'bench-move' },
    );
    const migrationMs = performance.now() - t0;

    let established = 0;
    for (const batch of flowPackets(handle, 'A', 'out')) {
      const v = await postBinary(server.base, 'mig-hv-2', agent2, batch);
      for (let i = 0; i < v.count; i++) if (v.reason[i] === REASON.established) established++;
    }
    return {
      flows: FLOWS,
      openFlowsMs: Math.round(openMs),
      migrationMs: Math.round(migrationMs),
      migrationFlowsPerSec: Math.round(moved.flowsMoved / (migrationMs / 1000)),
      flowsMoved: moved.flowsMoved,
      establishedAtDestination: established,
      migrationDone: moved.state === 'done' ? 1 : 0,
    };
  } finally {
    if (!shared) await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.table(r);
  console.log(`target: migration of ${FLOWS} flows < ${TARGET_MIGRATION_MS} ms`);
}
