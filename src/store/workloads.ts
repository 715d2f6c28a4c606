import { and, asc, eq, gt, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Vnic, Workload } from '../policy/types.js';
import { chunkIds, chunkRows } from './chunk.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { vnicAddresses, vnics, workloads } from './schema.js';

type WorkloadRow = typeof workloads.$inferSelect;
type VnicRow = typeof vnics.$inferSelect;

/** A vNIC with its data-plane handle. */
export interface VnicRecord extends Vnic {
  handle: number;
  workload: string;
}

function assemble(rows: WorkloadRow[], vnicRows: VnicRow[], addrRows: { vnic: number; ip: string }[]) {
  const ips = new Map<number, string[]>();
  for (const a of addrRows) {
    const list = ips.get(a.vnic);
    if (list) list.push(a.ip);
    else ips.set(a.vnic, [a.ip]);
  }
  const byWorkload = new Map<string, VnicRow[]>();
  for (const v of vnicRows) {
    const list = byWorkload.get(v.workload);
    if (list) list.push(v);
    else byWorkload.set(v.workload, [v]);
  }
  return rows.map((r): Workload => {
    const vs = (byWorkload.get(r.id) ?? []).sort((a, b) => a.position - b.position);
    return {
      id: r.id,
      name: r.name,
      hypervisor: r.hypervisor,
      vnics: vs.map((v) => ({
        id: v.id,
        ...(v.mac ? { mac: v.mac } : {}),
        ips: (ips.get(v.handle) ?? []).sort(),
      })),
      ...(r.os !== null ? { os: r.os } : {}),
      ...(r.user !== null ? { user: r.user } : {}),
      tags: r.tags,
      attributes: r.attributes,
    };
  });
}

function pageQuery(db: Db, where: SQL | undefined, limit: number) {
  return db.select().from(workloads).where(where).orderBy(asc(workloads.id)).limit(limit);
}

/**
 * `rows` with the vNICs and addresses of the workloads `scope` selects (one id, or a page as a
 * subquery), in one batch whose statements bind the same few parameters whatever the page size.
 */
async function withVnics(db: Db, tenant: string, rows: ReturnType<typeof pageQuery>, scope: SQL) {
  const inScope = and(eq(vnics.tenant, tenant), scope);
  const [workloadRows, vnicRows, addrRows] = await db.batch([
    rows,
    db.select().from(vnics).where(inScope),
    db
      .select({ vnic: vnicAddresses.vnic, ip: vnicAddresses.ip })
      .from(vnicAddresses)
      // handles are global: no tenant term, which would steer SQLite off the (vnic, ip) key
      .where(inArray(vnicAddresses.vnic, db.select({ h: vnics.handle }).from(vnics).where(inScope))),
  ]);
  return assemble(workloadRows, vnicRows, addrRows);
}

export async function getWorkload(db: Db, tenant: string, id: string): Promise<Workload | null> {
  const where = and(eq(workloads.tenant, tenant), eq(workloads.id, id));
  const [found] = await withVnics(db, tenant, pageQuery(db, where, 1), eq(vnics.workload, id));
  return found ?? null;
}

/** The workloads among `ids` that exist (with vNICs and addresses), a chunk of ids per batch. */
export async function getWorkloads(db: Db, tenant: string, ids: readonly string[]): Promise<Workload[]> {
  const parts = await Promise.all(
    chunkIds([...new Set(ids)], 2).map((part) =>
      withVnics(
        db,
        tenant,
        pageQuery(db, and(eq(workloads.tenant, tenant), inArray(workloads.id, part)), part.length),
        inArray(vnics.workload, part),
      ),
    ),
  );
  return parts.flat();
}

export async function listWorkloads(db: Db, tenant: string, after: string | null, limit: number) {
  const where = after
    ? and(eq(workloads.tenant, tenant), gt(workloads.id, after))
    : eq(workloads.tenant, tenant);
  const page = db
    .select({ id: workloads.id })
    .from(workloads)
    .where(where)
    .orderBy(asc(workloads.id))
    .limit(limit);
  return withVnics(db, tenant, pageQuery(db, where, limit), inArray(vnics.workload, page));
}

export async function loadAllWorkloads(db: Db, tenant: string) {
  const [rows, vnicRows, addrRows] = await db.batch([
    db.select().from(workloads).where(eq(workloads.tenant, tenant)).orderBy(asc(workloads.id)),
    db.select().from(vnics).where(eq(vnics.tenant, tenant)),
    db
      .select({ vnic: vnicAddresses.vnic, ip: vnicAddresses.ip })
      .from(vnicAddresses)
      .where(eq(vnicAddresses.tenant, tenant)),
  ]);
  return {
    workloads: assemble(rows, vnicRows, addrRows),
    handles: new Map(vnicRows.map((v) => [v.id, v.handle])),
  };
}

/** Which workload of the tenant owns each of these vNIC ids (for 409 on a taken vNIC id). */
export async function vnicOwners(db: Db, tenant: string, ids: string[]): Promise<Map<string, string>> {
  const parts = await Promise.all(
    chunkIds(ids, 1).map((part) =>
      db
        .select({ id: vnics.id, workload: vnics.workload })
        .from(vnics)
        .where(and(eq(vnics.tenant, tenant), inArray(vnics.id, part)))
        .all(),
    ),
  );
  return new Map(parts.flat().map((r) => [r.id, r.workload]));
}

export async function workloadsOnHypervisor(db: Db, hypervisor: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(workloads)
    .where(eq(workloads.hypervisor, hypervisor))
    .get();
  return row?.n ?? 0;
}

/**
 * Upserts the workload keeping each surviving vNIC's handle (conntrack is keyed by it). `source` names the
 * inventory source that creates it (for inventory sync's ownership); an update keeps whoever owns it.
 * `fresh`: the caller read that no such workload exists (in the state its commit is conditional on), so
 * there are no old vNICs to clear.
 */
export function putWorkloadStatements(
  db: Db,
  tenant: string,
  w: Workload,
  source?: string,
  fresh = false,
): Statement[] {
  const ids = w.vnics.map((v) => v.id);
  const own = and(eq(vnics.tenant, tenant), eq(vnics.workload, w.id));
  const statements: Statement[] = [
    db
      .insert(workloads)
      .values({
        tenant,
        id: w.id,
        name: w.name,
        hypervisor: w.hypervisor,
        os: w.os ?? null,
        user: w.user ?? null,
        tags: w.tags,
        attributes: w.attributes,
        source: source ?? null,
      })
      .onConflictDoUpdate({
        target: [workloads.tenant, workloads.id],
        set: {
          name: w.name,
          hypervisor: w.hypervisor,
          os: w.os ?? null,
          user: w.user ?? null,
          tags: w.tags,
          attributes: w.attributes,
        },
      }),
  ];
  if (!fresh)
    statements.push(
      db
        .delete(vnicAddresses)
        .where(
          and(
            eq(vnicAddresses.tenant, tenant),
            inArray(vnicAddresses.vnic, db.select({ h: vnics.handle }).from(vnics).where(own)),
          ),
        ),
      db.delete(vnics).where(ids.length ? and(own, notInArray(vnics.id, ids)) : own),
    );
  w.vnics.forEach((v, position) => {
    statements.push(
      db
        .insert(vnics)
        .values({ tenant, workload: w.id, id: v.id, mac: v.mac ?? null, position })
        .onConflictDoUpdate({ target: [vnics.tenant, vnics.id], set: { mac: v.mac ?? null, position } }),
    );
    const handle = sql<number>`(SELECT handle FROM vnics WHERE tenant = ${tenant} AND id = ${v.id})`;
    for (const ips of chunkRows(v.ips, 4)) {
      statements.push(
        db
          .insert(vnicAddresses)
          .values(ips.map((ip) => ({ tenant, vnic: handle, ip })))
          .onConflictDoNothing(),
      );
    }
  });
  return statements;
}

export function deleteWorkloadStatements(db: Db, tenant: string, id: string): Statement[] {
  const own = and(eq(vnics.tenant, tenant), eq(vnics.workload, id));
  return [
    db
      .delete(vnicAddresses)
      .where(
        and(
          eq(vnicAddresses.tenant, tenant),
          inArray(vnicAddresses.vnic, db.select({ h: vnics.handle }).from(vnics).where(own)),
        ),
      ),
    db.delete(vnics).where(own),
    db.delete(workloads).where(and(eq(workloads.tenant, tenant), eq(workloads.id, id))),
  ];
}

export type { VnicRow };

export interface HostedVnic {
  handle: number;
  tenant: string;
  workload: string;
  vnic: string;
}

/** The vNICs of every tenant's workloads on one hypervisor, with their data-plane handles. */
export async function vnicsOnHypervisor(db: Db, hypervisor: string): Promise<HostedVnic[]> {
  return db
    .select({ handle: vnics.handle, tenant: vnics.tenant, workload: vnics.workload, vnic: vnics.id })
    .from(vnics)
    .innerJoin(workloads, and(eq(workloads.tenant, vnics.tenant), eq(workloads.id, vnics.workload)))
    .where(eq(workloads.hypervisor, hypervisor))
    .orderBy(asc(vnics.handle))
    .all();
}

/** The vNICs of one workload with their handles. */
export async function vnicsOfWorkload(db: Db, tenant: string, workload: string) {
  return db
    .select({ handle: vnics.handle, id: vnics.id })
    .from(vnics)
    .where(and(eq(vnics.tenant, tenant), eq(vnics.workload, workload)))
    .orderBy(asc(vnics.position))
    .all();
}

export function moveWorkloadStatement(
  db: Db,
  tenant: string,
  workload: string,
  hypervisor: string,
): Statement {
  return db
    .update(workloads)
    .set({ hypervisor })
    .where(and(eq(workloads.tenant, tenant), eq(workloads.id, workload)));
}
