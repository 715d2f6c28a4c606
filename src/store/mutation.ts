import { and, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './db.js';
import { auditStatements } from './audit-log.js';
import { revisions, tenants } from './schema.js';

export type Statement = BatchItem<'sqlite'>;

export interface AuditEntry {
  action: 'create' | 'update' | 'delete' | 'sync';
  kind: string;
  id: string;
  before: unknown;
  after: unknown;
}

export interface TenantChange {
  tenant: string;
  /** the revision the writer requires (If-Match), or null for whatever is current */
  revision: number | null;
  actor: string;
  statements: Statement[];
  audit: AuditEntry[];
}

/** The revision moved between read and write: someone else committed first. */
export class RevisionConflict extends Error {
  readonly code = 'revision-conflict';
}

/**
 * Commits one tenant mutation all-or-nothing: bumps the revision, applies the statements and writes the
 * audit entries. With `revision` (an If-Match) the bump is conditional and the revisions row's NOT NULL
 * revision fails the whole batch when it did not happen; without, the batch takes the next revision
 * whatever it is, so concurrent writers never conflict. Answers the revision committed.
 */
export async function commitTenantChange(db: Db, change: TenantChange): Promise<number> {
  const { tenant, actor } = change;
  const conditional = change.revision !== null;
  const bump = db
    .update(tenants)
    .set({ revision: sql`revision + 1` })
    .where(
      conditional
        ? and(eq(tenants.id, tenant), eq(tenants.revision, change.revision!))
        : eq(tenants.id, tenant),
    );
  const current = conditional
    ? sql<number>`(SELECT revision FROM tenants WHERE id = ${tenant} AND revision = ${change.revision! + 1})`
    : sql<number>`(SELECT revision FROM tenants WHERE id = ${tenant})`;
  const guard = db.insert(revisions).values({ tenant, revision: current, actor });
  const auditRows = await auditStatements(db, tenant, current, actor, change.audit);
  const readBack = db.select({ revision: tenants.revision }).from(tenants).where(eq(tenants.id, tenant));
  try {
    const results = await db.batch([bump, guard, ...change.statements, ...auditRows, readBack]);
    const last = results[results.length - 1] as { revision: number }[];
    return last[0]!.revision;
  } catch (err) {
    if (
      /NOT NULL constraint failed: revisions\.revision|UNIQUE constraint failed: revisions/.test(String(err))
    )
      throw new RevisionConflict(`tenant ${tenant} moved past revision ${change.revision}`);
    throw err;
  }
}
