import { and, desc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { chunkIds, chunkRows } from './chunk.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { webhookDeliveries } from './schema.js';

export type DeliveryOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'rejected';

export interface DeliveryRecord {
  tenant: string;
  kind: string;
  id: string;
  dedupKey: string;
  event: string | null;
  object: string | null;
  outcome: DeliveryOutcome;
  reason: string | null;
  /** null: none; 'current': the tenant's revision as the statement runs (inside the commit batch) */
  revision: number | null | 'current';
  body: string | null;
  headers: Record<string, string> | null;
}

export function recordDeliveryStatement(db: Db, d: DeliveryRecord): Statement {
  const revision =
    d.revision === 'current'
      ? sql<number>`(SELECT revision FROM tenants WHERE id = ${d.tenant})`
      : d.revision;
  return db.insert(webhookDeliveries).values({ ...d, revision });
}

/** Many records with known revisions, a statement per as many rows as D1's parameter limit allows. */
export function recordDeliveriesStatements(
  db: Db,
  records: readonly (DeliveryRecord & { revision: number | null })[],
): Statement[] {
  return chunkRows(records, 11).map((part) => db.insert(webhookDeliveries).values([...part]));
}

export async function recordDelivery(db: Db, d: DeliveryRecord): Promise<void> {
  await recordDeliveryStatement(db, d);
}

/** Whether a delivery with this key was seen before and not rejected (a rejected one may come again). */
export async function seenDelivery(db: Db, tenant: string, kind: string, dedupKey: string): Promise<boolean> {
  return (await seenDeliveries(db, tenant, kind, [dedupKey])).has(dedupKey);
}

/** Which of these keys were seen before and not rejected. */
export async function seenDeliveries(
  db: Db,
  tenant: string,
  kind: string,
  dedupKeys: readonly string[],
): Promise<Set<string>> {
  const parts = await Promise.all(
    chunkIds([...new Set(dedupKeys)], 3).map((part) =>
      db
        .selectDistinct({ key: webhookDeliveries.dedupKey })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.tenant, tenant),
            eq(webhookDeliveries.kind, kind),
            inArray(webhookDeliveries.dedupKey, part),
            ne(webhookDeliveries.outcome, 'rejected'),
          ),
        )
        .all(),
    ),
  );
  return new Set(parts.flat().map((r) => r.key));
}

export async function getDelivery(db: Db, tenant: string, kind: string, id: string) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenant, tenant),
        eq(webhookDeliveries.kind, kind),
        eq(webhookDeliveries.id, id),
      ),
    )
    .get();
}

/** Newest first; `before` is the seq of the last delivery of the previous page. */
export async function listDeliveries(
  db: Db,
  tenant: string,
  kind: string,
  before: number | null,
  limit: number,
) {
  const scope = and(eq(webhookDeliveries.tenant, tenant), eq(webhookDeliveries.kind, kind));
  return db
    .select({
      seq: webhookDeliveries.seq,
      id: webhookDeliveries.id,
      receivedAt: webhookDeliveries.receivedAt,
      event: webhookDeliveries.event,
      object: webhookDeliveries.object,
      outcome: webhookDeliveries.outcome,
      reason: webhookDeliveries.reason,
      revision: webhookDeliveries.revision,
    })
    .from(webhookDeliveries)
    .where(before === null ? scope : and(scope, lt(webhookDeliveries.seq, before)))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit)
    .all();
}
