import { hypervisorOf, type Env } from '../env.js';
import type { HypervisorMetrics } from '../hypervisor/hypervisor-do.js';
import type { Db } from '../store/db.js';
import { centralCounts } from '../store/metric-counts.js';
import type { MetricFamily, Sample } from './exposition.js';
import { metricsOf } from './metrics-of.js';
import { requestCounts } from './request-counts.js';

/** Hypervisor objects asked at once: a scrape of a large fleet stays within the subrequest budget's pace. */
const FAN_OUT = 32;
const MIGRATION_STATES = ['pending', 'running', 'done', 'failed'];

async function eachLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Every family of SPEC §13, read from D1, each hypervisor object (one call each) and the MetricsDO. */
export async function collectMetrics(env: Env, db: Db): Promise<MetricFamily[]> {
  // this isolate's own pending request counts first, so a scrape sees the requests before it
  await requestCounts.flush(env);
  const [central, requests] = await Promise.all([centralCounts(db), metricsOf(env).read()]);
  const perHv = await eachLimited(central.hypervisors, FAN_OUT, (h) =>
    hypervisorOf(env, h)
      .metrics()
      .then(
        (m): HypervisorMetrics | null => m,
        () => null,
      ),
  );

  const packets: Sample[] = [];
  const bytes: Sample[] = [];
  const flows: Sample[] = [];
  const ruleSets: Sample[] = [];
  const lag: Sample[] = [];
  const up: Sample[] = [];
  const hostedBy = new Map<string, Set<string>>();
  for (const { hypervisor, tenant } of central.hosted) {
    const set = hostedBy.get(hypervisor) ?? new Set<string>();
    set.add(tenant);
    hostedBy.set(hypervisor, set);
  }
  central.hypervisors.forEach((hypervisor, i) => {
    const m = perHv[i];
    up.push({ labels: { hypervisor }, value: m ? 1 : 0 });
    if (!m) return;
    for (const v of m.verdicts) {
      const labels = { tenant: v.tenant, hypervisor, action: v.action, reason: v.reason };
      packets.push({ labels, value: v.packets });
      bytes.push({ labels, value: v.bytes });
    }
    flows.push({ labels: { hypervisor }, value: m.flows });
    ruleSets.push({ labels: { hypervisor }, value: m.ruleSets.length });
    const realized = new Map(m.ruleSets.map((r) => [r.tenant, r.revision]));
    const tenants = new Set([...(hostedBy.get(hypervisor) ?? []), ...realized.keys()]);
    for (const tenant of [...tenants].sort()) {
      const desired = central.revisions.get(tenant);
      if (desired === undefined) continue;
      lag.push({
        labels: { hypervisor, tenant },
        value: Math.max(0, desired - (realized.get(tenant) ?? 0)),
      });
    }
  });
  const migrations = new Map(central.migrations.map((m) => [m.state, m.n]));
  const states = [...new Set([...MIGRATION_STATES, ...migrations.keys()])];

  return [
    {
      name: 'omniwall_packets_total',
      help: 'Packets judged, by tenant (empty: no rule set names the vNIC), hypervisor, action and reason.',
      type: 'counter',
      samples: packets,
    },
    {
      name: 'omniwall_packet_bytes_total',
      help: 'Bytes of the packets judged, labelled as omniwall_packets_total.',
      type: 'counter',
      samples: bytes,
    },
    {
      name: 'omniwall_flows_tracked',
      help: 'Connections in the conntrack table of each hypervisor.',
      type: 'gauge',
      samples: flows,
    },
    {
      name: 'omniwall_rule_sets',
      help: 'Tenant rule sets installed on each hypervisor.',
      type: 'gauge',
      samples: ruleSets,
    },
    {
      name: 'omniwall_realization_lag_revisions',
      help: 'Revisions the hypervisor enforces behind the tenant revision wanted centrally (0 = realized).',
      type: 'gauge',
      samples: lag,
    },
    {
      name: 'omniwall_hypervisor_up',
      help: 'Whether the hypervisor object answered this scrape (0: its series are missing from it).',
      type: 'gauge',
      samples: up,
    },
    {
      name: 'omniwall_api_requests_total',
      help: 'API requests answered, by method, route pattern (unmatched: no route) and status.',
      type: 'counter',
      samples: requests.map(({ method, route, status, n }) => ({
        labels: { method, route, status: String(status) },
        value: n,
      })),
    },
    {
      name: 'omniwall_webhook_deliveries_total',
      help: 'Inventory webhook deliveries received, by tenant, source and outcome.',
      type: 'counter',
      samples: central.deliveries.map((d) => ({
        labels: { tenant: d.tenant, source: d.source, outcome: d.outcome },
        value: d.n,
      })),
    },
    {
      name: 'omniwall_migrations',
      help: 'Workload migrations by state.',
      type: 'gauge',
      samples: states.map((state) => ({ labels: { state }, value: migrations.get(state) ?? 0 })),
    },
  ];
}
