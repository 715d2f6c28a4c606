import { eq } from 'drizzle-orm';
import type { Tenant, TenantSettings } from '../policy/types.js';
import type { Db } from './db.js';
import { audit, revisions, tenants } from './schema.js';

export const DEFAULT_SETTINGS: TenantSettings = {
  defaultAction: 'drop',
  spoofGuard: false,
  revalidateOnChange: false,
  timeouts: {},
};

function toTenant(row: typeof tenants.$inferSelect): Tenant {
  return {
    id: row.id,
    name: row.name,
    settings: { ...DEFAULT_SETTINGS, ...row.settings },
    revision: row.revision,
  };
}

export async function getTenant(db: Db, id: string): Promise<Tenant | null> {
  const row = await db.select().from(tenants).where(eq(tenants.id, id)).get();
  return row ? toTenant(row) : null;
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return (await db.select().from(tenants).orderBy(tenants.id).all()).map(toTenant);
}

/** Creates the tenant at revision 1 with its first revision and audit entry; false if the id exists. */
export async function insertTenant(db: Db, tenant: Tenant, actor: string): Promise<boolean> {
  try {
    await db.batch([
      db.insert(tenants).values({ id: tenant.id, name: tenant.name, settings: tenant.settings, revision: 1 }),
      db.insert(revisions).values({ tenant: tenant.id, revision: 1, actor }),
      db.insert(audit).values({
        tenant: tenant.id,
        revision: 1,
        actor,
        action: 'create',
        objectKind: 'tenant',
        objectId: tenant.id,
        before: null,
        after: tenant,
      }),
    ]);
    return true;
  } catch (err) {
    if (/UNIQUE constraint failed: tenants\.id/.test(String(err))) return false;
    throw err;
  }
}

export function updateTenantStatement(db: Db, id: string, name: string, settings: TenantSettings) {
  return db.update(tenants).set({ name, settings }).where(eq(tenants.id, id));
}
