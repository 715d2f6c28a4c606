import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from './db.js';
import { migrations } from './schema.js';

export type MigrationState = 'pending' | 'running' | 'done' | 'failed';

export interface MigrationRecord {
  id: string;
  tenant: string;
  workload: string;
  from: string;
  to: string;
  state: MigrationState;
  step: string | null;
  flowsMoved: number;
  error: string | null;
}

function toRecord(r: typeof migrations.$inferSelect): MigrationRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    workload: r.workload,
    from: r.source,
    to: r.target,
    state: r.state as MigrationState,
    step: r.step,
    flowsMoved: r.flowsMoved,
    error: r.error,
  };
}

export async function getMigration(db: Db, tenant: string, id: string): Promise<MigrationRecord | null> {
  const row = await db
    .select()
    .from(migrations)
    .where(and(eq(migrations.tenant, tenant), eq(migrations.id, id)))
    .get();
  return row ? toRecord(row) : null;
}

/** Inserts the migration unless its id exists; answers the stored record either way. */
export async function insertMigration(db: Db, m: MigrationRecord): Promise<MigrationRecord> {
  await db
    .insert(migrations)
    .values({
      tenant: m.tenant,
      id: m.id,
      workload: m.workload,
      source: m.from,
      target: m.to,
      state: m.state,
      step: m.step,
      flowsMoved: m.flowsMoved,
      error: m.error,
    })
    .onConflictDoNothing();
  return (await getMigration(db, m.tenant, m.id))!;
}

export async function saveMigrationProgress(db: Db, m: MigrationRecord): Promise<void> {
  await db
    .update(migrations)
    .set({ state: m.state, step: m.step, flowsMoved: m.flowsMoved, error: m.error })
    .where(and(eq(migrations.tenant, m.tenant), eq(migrations.id, m.id)));
}

/** A tenant's migrations by id, after `after` (a page of the list route). */
export async function listMigrations(
  db: Db,
  tenant: string,
  after: string | null,
  limit: number,
): Promise<MigrationRecord[]> {
  const where = after
    ? and(eq(migrations.tenant, tenant), gt(migrations.id, after))
    : eq(migrations.tenant, tenant);
  const rows = await db.select().from(migrations).where(where).orderBy(asc(migrations.id)).limit(limit).all();
  return rows.map(toRecord);
}
