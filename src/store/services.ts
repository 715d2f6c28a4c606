import { and, asc, eq, gt } from 'drizzle-orm';
import type { Service, ServiceEntry } from '../policy/types.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { services } from './schema.js';

function toService(r: typeof services.$inferSelect): Service {
  return {
    id: r.id,
    ...(r.name !== null ? { name: r.name } : {}),
    entries: r.entries as ServiceEntry[],
    ...(r.app !== null ? { app: r.app } : {}),
  };
}

export async function getService(db: Db, tenant: string, id: string): Promise<Service | null> {
  const r = await db
    .select()
    .from(services)
    .where(and(eq(services.tenant, tenant), eq(services.id, id)))
    .get();
  return r ? toService(r) : null;
}

export async function listServices(db: Db, tenant: string, after: string | null, limit: number) {
  const where = after
    ? and(eq(services.tenant, tenant), gt(services.id, after))
    : eq(services.tenant, tenant);
  return (await db.select().from(services).where(where).orderBy(asc(services.id)).limit(limit).all()).map(
    toService,
  );
}

export async function loadAllServices(db: Db, tenant: string): Promise<Service[]> {
  return (await db.select().from(services).where(eq(services.tenant, tenant)).all()).map(toService);
}

export function putServiceStatements(db: Db, tenant: string, s: Service): Statement[] {
  const row = { name: s.name ?? null, entries: s.entries, app: s.app ?? null };
  return [
    db
      .insert(services)
      .values({ tenant, id: s.id, ...row })
      .onConflictDoUpdate({ target: [services.tenant, services.id], set: row }),
  ];
}

export function deleteServiceStatements(db: Db, tenant: string, id: string): Statement[] {
  return [db.delete(services).where(and(eq(services.tenant, tenant), eq(services.id, id)))];
}
