import { eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { apps, groups, services } from './schema.js';

const tables = { group: groups, service: services, app: apps } as const;

/** The ids of every object of one kind in a tenant. */
export async function objectIds(db: Db, tenant: string, kind: keyof typeof tables): Promise<Set<string>> {
  const table = tables[kind];
  const rows = await db.select({ id: table.id }).from(table).where(eq(table.tenant, tenant)).all();
  return new Set(rows.map((r) => r.id));
}
