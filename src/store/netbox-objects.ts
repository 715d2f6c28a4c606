import { and, eq, inArray, sql } from 'drizzle-orm';
import { chunkIds, chunkRows } from './chunk.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { netboxObjects } from './schema.js';

export interface NetboxObject {
  objectType: string;
  id: number;
  timestamp: string;
  parent: number | null;
  deleted: boolean;
  data: Record<string, unknown>;
}

const VM = 'virtualization.virtualmachine';
const INTERFACE = 'virtualization.vminterface';
const ADDRESS = 'ipam.ipaddress';

const strip = (r: typeof netboxObjects.$inferSelect): NetboxObject => ({
  objectType: r.objectType,
  id: r.id,
  timestamp: r.timestamp,
  parent: r.parent,
  deleted: r.deleted,
  data: r.data,
});

export async function getNetboxObject(
  db: Db,
  tenant: string,
  objectType: string,
  id: number,
): Promise<NetboxObject | null> {
  const row = await db
    .select()
    .from(netboxObjects)
    .where(
      and(
        eq(netboxObjects.tenant, tenant),
        eq(netboxObjects.objectType, objectType),
        eq(netboxObjects.id, id),
      ),
    )
    .get();
  return row ? strip(row) : null;
}

/** A VM as stored with its live interfaces and their live addresses (tombstones left out). */
export async function loadNetboxVm(db: Db, tenant: string, vm: number) {
  const live = (type: string) =>
    and(
      eq(netboxObjects.tenant, tenant),
      eq(netboxObjects.objectType, type),
      eq(netboxObjects.deleted, false),
    );
  const [vmRow, interfaces] = await db.batch([
    db
      .select()
      .from(netboxObjects)
      .where(and(live(VM), eq(netboxObjects.id, vm))),
    db
      .select()
      .from(netboxObjects)
      .where(and(live(INTERFACE), eq(netboxObjects.parent, vm))),
  ]);
  const ids = interfaces.map((i) => i.id);
  const addresses = ids.length
    ? await db
        .select()
        .from(netboxObjects)
        .where(and(live(ADDRESS), inArray(netboxObjects.parent, ids)))
        .all()
    : [];
  return {
    vm: vmRow[0] ? strip(vmRow[0]) : null,
    interfaces: interfaces.map(strip),
    addresses: addresses.map(strip),
  };
}

/** Stores the object unless a newer delivery of it is already stored (two racing deliveries). */
export async function putNetboxObject(db: Db, tenant: string, o: NetboxObject): Promise<void> {
  const set = { timestamp: o.timestamp, parent: o.parent, deleted: o.deleted, data: o.data };
  await db
    .insert(netboxObjects)
    .values({ tenant, objectType: o.objectType, id: o.id, ...set })
    .onConflictDoUpdate({
      target: [netboxObjects.tenant, netboxObjects.objectType, netboxObjects.id],
      set,
      setWhere: sql`${netboxObjects.timestamp} <= excluded.timestamp`,
    });
}

/** Puts back what was stored before a delivery that could not be applied. */
export async function restoreNetboxObject(
  db: Db,
  tenant: string,
  key: { objectType: string; id: number },
  before: NetboxObject | null,
): Promise<void> {
  if (before) {
    const { objectType: _t, id: _i, ...set } = before;
    await db
      .update(netboxObjects)
      .set(set)
      .where(
        and(
          eq(netboxObjects.tenant, tenant),
          eq(netboxObjects.objectType, key.objectType),
          eq(netboxObjects.id, key.id),
        ),
      );
  } else
    await db
      .delete(netboxObjects)
      .where(
        and(
          eq(netboxObjects.tenant, tenant),
          eq(netboxObjects.objectType, key.objectType),
          eq(netboxObjects.id, key.id),
        ),
      );
}

/** The stored objects of one type whose `column` (id or parent) is among `values`, tombstones included. */
async function objectsWhere(
  db: Db,
  tenant: string,
  objectType: string,
  column: 'id' | 'parent',
  values: readonly number[],
): Promise<NetboxObject[]> {
  const parts = await Promise.all(
    chunkIds([...new Set(values)], 2).map((part) =>
      db
        .select()
        .from(netboxObjects)
        .where(
          and(
            eq(netboxObjects.tenant, tenant),
            eq(netboxObjects.objectType, objectType),
            inArray(netboxObjects[column], part),
          ),
        )
        .all(),
    ),
  );
  return parts.flat().map(strip);
}

/** The stored objects of one type among `ids`, in as few statements as D1 allows. */
export const getNetboxObjects = (db: Db, tenant: string, objectType: string, ids: readonly number[]) =>
  objectsWhere(db, tenant, objectType, 'id', ids);

/** The stored objects of one type whose parent is among `parents`. */
export const getNetboxChildren = (db: Db, tenant: string, objectType: string, parents: readonly number[]) =>
  objectsWhere(db, tenant, objectType, 'parent', parents);

/** Upserts of objects a batch of deliveries changed (many rows a statement), for the batch's D1 commit. */
export function putNetboxObjectStatements(
  db: Db,
  tenant: string,
  objects: readonly NetboxObject[],
): Statement[] {
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  return chunkRows(objects, 7).map((part) =>
    db
      .insert(netboxObjects)
      .values(part.map((o) => ({ tenant, ...o })))
      .onConflictDoUpdate({
        target: [netboxObjects.tenant, netboxObjects.objectType, netboxObjects.id],
        set: {
          timestamp: excluded('timestamp'),
          parent: excluded('parent'),
          deleted: excluded('deleted'),
          data: excluded('data'),
        },
      }),
  );
}
