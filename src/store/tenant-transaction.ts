import type { Tenant } from '../policy/types.js';
import type { Db } from './db.js';
import { commitTenantChange, RevisionConflict, type AuditEntry, type Statement } from './mutation.js';
import { guardViolationOf } from './guard-violation.js';
import { getTenant } from './tenants.js';

export interface TenantPlan<T> {
  result: T;
  statements: Statement[];
  audit: AuditEntry[];
}

/** A plan of `{ unchanged }` means the write changes nothing (an idempotent re-PUT). */
export type PlanOutcome<T> = TenantPlan<T> | { unchanged: T };

export interface TenantTransactionOutcome<T> {
  result: T;
  revision: number;
  changed: boolean;
}

export class TenantMissing extends Error {
  readonly code = 'tenant-missing';
}

/** The writer's If-Match names a revision that is no longer current. */
export class StaleRevision extends Error {
  readonly code = 'stale-revision';
  constructor(readonly current: number) {
    super(`the tenant is at revision ${current}`);
  }
}

/** Other writers kept committing first; the client may retry. */
export class TenantBusy extends Error {
  readonly code = 'tenant-busy';
}

/** How long a write keeps re-planning after lost races before it answers busy: a burst must not drop writes. */
const RETRY_BUDGET_MS = 20_000;

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 4 * 2 ** attempt)));

/**
 * Plans a tenant mutation against the state at the tenant's current revision and commits it only if
 * that revision is still current: every mutation bumps the revision, so a commit that succeeds saw
 * exactly the state it changes, and every invariant the plan checked still holds. A writer that lost
 * the race plans again on the new state (without If-Match) or answers stale (with it).
 */
export async function runTenantTransaction<T>(
  db: Db,
  change: { tenant: string; expected: number | null; actor: string },
  plan: (tenant: Tenant, db: Db) => Promise<PlanOutcome<T>>,
): Promise<TenantTransactionOutcome<T>> {
  const started = Date.now();
  for (let attempt = 0; Date.now() - started < RETRY_BUDGET_MS; attempt++) {
    const tenant = await getTenant(db, change.tenant);
    if (!tenant) throw new TenantMissing(`tenant ${change.tenant} does not exist`);
    if (change.expected !== null && change.expected !== tenant.revision)
      throw new StaleRevision(tenant.revision);
    const p = await plan(tenant, db);
    if ('unchanged' in p) return { result: p.unchanged, revision: tenant.revision, changed: false };
    try {
      const revision = await commitTenantChange(db, {
        tenant: change.tenant,
        revision: tenant.revision,
        actor: change.actor,
        statements: p.statements,
        audit: p.audit,
      });
      return { result: p.result, revision, changed: true };
    } catch (err) {
      if (!(err instanceof RevisionConflict)) throw guardViolationOf(err) ?? err;
      if (change.expected !== null) {
        const now = await getTenant(db, change.tenant);
        if (!now) throw new TenantMissing(`tenant ${change.tenant} does not exist`);
        throw new StaleRevision(now.revision);
      }
      await pause(attempt);
    }
  }
  throw new TenantBusy(`tenant ${change.tenant} is changing too fast to commit this write; retry`);
}
