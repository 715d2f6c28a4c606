import { asc, count } from 'drizzle-orm';
import type { Db } from './db.js';
import { hypervisors, migrations, tenants, webhookDeliveries, workloads } from './schema.js';

/** What /metrics reads of D1 in one round trip: aggregates only, never one row per flow or request. */
export interface CentralCounts {
  hypervisors: string[];
  /** desired revision per tenant */
  revisions: Map<string, number>;
  /** tenants with workloads per hypervisor: where a rule set is wanted */
  hosted: { hypervisor: string; tenant: string }[];
  deliveries: { tenant: string; source: string; outcome: string; n: number }[];
  migrations: { state: string; n: number }[];
}

export async function centralCounts(db: Db): Promise<CentralCounts> {
  const [hvs, revs, hosted, deliveries, migrationStates] = await db.batch([
    db.select({ id: hypervisors.id }).from(hypervisors).orderBy(asc(hypervisors.id)),
    db.select({ id: tenants.id, revision: tenants.revision }).from(tenants),
    db
      .selectDistinct({ hypervisor: workloads.hypervisor, tenant: workloads.tenant })
      .from(workloads)
      .orderBy(asc(workloads.hypervisor), asc(workloads.tenant)),
    db
      .select({
        tenant: webhookDeliveries.tenant,
        source: webhookDeliveries.kind,
        outcome: webhookDeliveries.outcome,
        n: count(),
      })
      .from(webhookDeliveries)
      .groupBy(webhookDeliveries.tenant, webhookDeliveries.kind, webhookDeliveries.outcome)
      .orderBy(asc(webhookDeliveries.tenant), asc(webhookDeliveries.kind), asc(webhookDeliveries.outcome)),
    db.select({ state: migrations.state, n: count() }).from(migrations).groupBy(migrations.state),
  ]);
  return {
    hypervisors: hvs.map((h) => h.id),
    revisions: new Map(revs.map((t) => [t.id, t.revision])),
    hosted,
    deliveries,
    migrations: migrationStates,
  };
}
