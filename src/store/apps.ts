import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { apps } from './schema.js';

export async function getAppSpec(db: Db, tenant: string, id: string): Promise<unknown> {
  const row = await db
    .select()
    .from(apps)
    .where(and(eq(apps.tenant, tenant), eq(apps.id, id)))
    .get();
  return row ? row.spec : null;
}

export function putAppStatement(db: Db, tenant: string, id: string, spec: unknown): Statement {
  return db
    .insert(apps)
    .values({ tenant, id, spec })
    .onConflictDoUpdate({ target: [apps.tenant, apps.id], set: { spec } });
}

export function deleteAppStatement(db: Db, tenant: string, id: string): Statement {
  return db.delete(apps).where(and(eq(apps.tenant, tenant), eq(apps.id, id)));
}

/** One page of a tenant's apps in id order, after the cursor's id. */
export async function listAppSpecs(
  db: Db,
  tenant: string,
  after: string | null,
  limit: number,
): Promise<{ id: string; spec: unknown }[]> {
  return db
    .select({ id: apps.id, spec: apps.spec })
    .from(apps)
    .where(after === null ? eq(apps.tenant, tenant) : and(eq(apps.tenant, tenant), gt(apps.id, after)))
    .orderBy(asc(apps.id))
    .limit(limit);
}
