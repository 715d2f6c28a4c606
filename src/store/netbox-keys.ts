import { and, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { netboxObjects, tenants, vnics, webhookSources, workloads } from './schema.js';
import type { WebhookSource } from './webhook-sources.js';

/** What tells one tenant from another of the same id created after it was deleted. */
export interface TenantStamp {
  revision: number;
  createdAt: string;
}

export async function tenantStamp(db: Db, tenant: string): Promise<TenantStamp | null> {
  const row = await db
    .select({ revision: tenants.revision, createdAt: tenants.createdAt })
    .from(tenants)
    .where(eq(tenants.id, tenant))
    .get();
  return row ?? null;
}

/**
 * The keys (no documents) a NetBox writer needs to know what D1 does not hold: every NetBox object with its
 * parent, every workload id and every vNIC id of the tenant, with the tenant they were read at and its
 * NetBox source (whose changes move the revision too), in one batch.
 */
export async function netboxKeys(db: Db, tenant: string) {
  const [stamp, sources, objects, workloadIds, vnicIds] = await db.batch([
    db
      .select({ revision: tenants.revision, createdAt: tenants.createdAt })
      .from(tenants)
      .where(eq(tenants.id, tenant)),
    db
      .select()
      .from(webhookSources)
      .where(and(eq(webhookSources.tenant, tenant), eq(webhookSources.kind, 'netbox'))),
    db
      .select({ objectType: netboxObjects.objectType, id: netboxObjects.id, parent: netboxObjects.parent })
      .from(netboxObjects)
      .where(eq(netboxObjects.tenant, tenant)),
    db.select({ id: workloads.id }).from(workloads).where(eq(workloads.tenant, tenant)),
    db.select({ id: vnics.id }).from(vnics).where(eq(vnics.tenant, tenant)),
  ]);
  const s = sources[0];
  const source: WebhookSource | null = s
    ? { kind: s.kind, secrets: s.secrets, hypervisors: s.hypervisors, enabled: s.enabled }
    : null;
  return {
    stamp: (stamp[0] ?? null) as TenantStamp | null,
    source,
    objects,
    workloads: workloadIds.map((w) => w.id),
    vnics: vnicIds.map((v) => v.id),
  };
}
