import { and, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from './db.js';
import { audit, revisions, tenants } from './schema.js';

export type Statement = BatchItem<'sqlite'>;

export interface AuditEntry {
  action: 'create' | 'update' | 'delete';
  kind: string;
  id: string;
  before: unknown;
  after: unknown;
}

export interface TenantChange {
  tenant: string;
  /** the revision the change was computed against */
  revision: number;
  actor: string;
  statements: Statement[];
  audit: AuditEntry[];
}

/** The revision moved between read and write: someone else committed first. */
export class RevisionConflict extends Error {
  readonly code = 'revision-conflict';
}

/**
 * Commits one tenant mutation all-or-nothing: bumps the revision only if it is still `revision`,
 * applies the statements and writes the audit entries. The revisions row's NOT NULL revision fails
 * the whole batch when the conditional bump did not happen.
 */
export async function commitTenantChange(db: Db, change: TenantChange): Promise<number> {
  const next = change.revision + 1;
  const bump = db
    .update(tenants)
    .set({ revision: next })
    .where(and(eq(tenants.id, change.tenant), eq(tenants.revision, change.revision)));
  const guard = db.insert(revisions).values({
    tenant: change.tenant,
    revision: sql<number>`(SELECT revision FROM tenants WHERE id = ${change.tenant} AND revision = ${next})`,
    actor: change.actor,
  });
  const auditRows: Statement[] = change.audit.map((a) =>
    db.insert(audit).values({
      tenant: change.tenant,
      revision: next,
      actor: change.actor,
      action: a.action,
      objectKind: a.kind,
      objectId: a.id,
      before: a.before ?? null,
      after: a.after ?? null,
    }),
  );
  try {
    await db.batch([bump, guard, ...change.statements, ...auditRows]);
  } catch (err) {
    if (
      /NOT NULL constraint failed: revisions\.revision|UNIQUE constraint failed: revisions/.test(String(err))
    )
      throw new RevisionConflict(`tenant ${change.tenant} moved past revision ${change.revision}`);
    throw err;
  }
  return next;
}
