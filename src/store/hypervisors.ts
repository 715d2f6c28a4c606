import { guardViolationOf } from './guard-violation.js';
import { asc, eq, gt, inArray } from 'drizzle-orm';
import { chunkIds } from './chunk.js';
import type { Db } from './db.js';
import { hypervisors } from './schema.js';

export interface Hypervisor {
  id: string;
  name: string;
}

export async function getHypervisor(db: Db, id: string): Promise<Hypervisor | null> {
  const row = await db.select().from(hypervisors).where(eq(hypervisors.id, id)).get();
  return row ? { id: row.id, name: row.name } : null;
}

/** Which of these ids name a hypervisor. */
export async function existingHypervisors(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const parts = await Promise.all(
    chunkIds([...new Set(ids)], 0).map((part) =>
      db.select({ id: hypervisors.id }).from(hypervisors).where(inArray(hypervisors.id, part)).all(),
    ),
  );
  return new Set(parts.flat().map((r) => r.id));
}

export async function listHypervisors(db: Db, after: string | null, limit: number): Promise<Hypervisor[]> {
  const q = db.select({ id: hypervisors.id, name: hypervisors.name }).from(hypervisors);
  return (after ? q.where(gt(hypervisors.id, after)) : q).orderBy(asc(hypervisors.id)).limit(limit).all();
}

export async function putHypervisor(db: Db, h: Hypervisor): Promise<void> {
  await db
    .insert(hypervisors)
    .values(h)
    .onConflictDoUpdate({ target: hypervisors.id, set: { name: h.name } });
}

/** Throws GuardViolation `hypervisor-in-use` when a workload still lives there, however recently it arrived. */
export async function deleteHypervisor(db: Db, id: string): Promise<void> {
  try {
    await db.delete(hypervisors).where(eq(hypervisors.id, id));
  } catch (err) {
    throw guardViolationOf(err) ?? err;
  }
}
