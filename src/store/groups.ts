import { and, asc, eq, gt } from 'drizzle-orm';
import type { Criteria, Group } from '../policy/types.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { clearReferencesStatement, setReferencesStatements } from './references.js';
import { groups } from './schema.js';

function toGroup(r: typeof groups.$inferSelect): Group {
  const m = r.members;
  return {
    id: r.id,
    ...(r.name !== null ? { name: r.name } : {}),
    members: {
      workloads: m.workloads ?? [],
      vnics: m.vnics ?? [],
      cidrs: m.cidrs ?? [],
      groups: m.groups ?? [],
    },
    ...(r.criteria ? { criteria: r.criteria as Criteria } : {}),
    ...(r.app !== null ? { app: r.app } : {}),
  };
}

export async function getGroup(db: Db, tenant: string, id: string): Promise<Group | null> {
  const r = await db
    .select()
    .from(groups)
    .where(and(eq(groups.tenant, tenant), eq(groups.id, id)))
    .get();
  return r ? toGroup(r) : null;
}

export async function listGroups(db: Db, tenant: string, after: string | null, limit: number) {
  const where = after ? and(eq(groups.tenant, tenant), gt(groups.id, after)) : eq(groups.tenant, tenant);
  return (await db.select().from(groups).where(where).orderBy(asc(groups.id)).limit(limit).all()).map(
    toGroup,
  );
}

export async function loadAllGroups(db: Db, tenant: string): Promise<Group[]> {
  return (await db.select().from(groups).where(eq(groups.tenant, tenant)).all()).map(toGroup);
}

export function putGroupStatements(db: Db, tenant: string, g: Group): Statement[] {
  const row = { name: g.name ?? null, members: g.members, criteria: g.criteria ?? null, app: g.app ?? null };
  return [
    db
      .insert(groups)
      .values({ tenant, id: g.id, ...row })
      .onConflictDoUpdate({ target: [groups.tenant, groups.id], set: row }),
    ...setReferencesStatements(
      db,
      tenant,
      'group',
      g.id,
      g.members.groups.map((id) => ({ kind: 'group', id })),
    ),
  ];
}

export function deleteGroupStatements(db: Db, tenant: string, id: string): Statement[] {
  return [
    db.delete(groups).where(and(eq(groups.tenant, tenant), eq(groups.id, id))),
    clearReferencesStatement(db, tenant, 'group', id),
  ];
}
