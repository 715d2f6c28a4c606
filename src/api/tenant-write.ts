import type { Context } from 'hono';
import type { Tenant } from '../policy/types.js';
import type { Db } from '../store/db.js';
import { commitTenantChange, RevisionConflict, type AuditEntry, type Statement } from '../store/mutation.js';
import { getTenant } from '../store/tenants.js';
import { assertTenantRead, assertTenantWrite } from './auth/principal.js';
import type { AppEnv } from './context.js';
import { ApiError, notFound, preconditionFailed } from './errors.js';
import { realizeAfterWrite } from './realize-hook.js';

export interface WritePlan<T> {
  result: T;
  statements: Statement[];
  audit: AuditEntry[];
}

export interface WriteOutcome<T> {
  result: T;
  revision: number;
  changed: boolean;
}

function ifMatch(c: Context<AppEnv>): number | null {
  const raw = c.req.header('if-match');
  if (raw === undefined) return null;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(raw);
  if (!m) throw new ApiError(400, 'invalid-request', 'If-Match must be a revision like "42"');
  return Number(m[1]);
}

export async function readableTenant(c: Context<AppEnv>, id: string): Promise<Tenant> {
  assertTenantRead(c.get('principal'), id);
  const tenant = await getTenant(c.get('db'), id);
  if (!tenant) throw notFound('tenant', id);
  return tenant;
}

/**
 * Runs one tenant mutation: scope check, If-Match, plan against the current state, commit
 * all-or-nothing with a revision bump and audit entries, then realization. Without If-Match,
 * concurrent writers each get their own revision (last write wins per object). A plan of `null`
 * means the write changes nothing (an idempotent re-PUT): no revision, no audit entry.
 */
export async function writeTenant<T>(
  c: Context<AppEnv>,
  tenantId: string,
  plan: (tenant: Tenant, db: Db) => Promise<WritePlan<T> | { unchanged: T }>,
): Promise<WriteOutcome<T>> {
  const principal = c.get('principal');
  assertTenantWrite(principal, tenantId);
  const db = c.get('db');
  const expected = ifMatch(c);
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw notFound('tenant', tenantId);
  if (expected !== null && expected !== tenant.revision) throw preconditionFailed(tenant.revision);
  const p = await plan(tenant, db);
  if ('unchanged' in p) {
    c.header('ETag', `"${tenant.revision}"`);
    return { result: p.unchanged, revision: tenant.revision, changed: false };
  }
  let revision: number;
  try {
    revision = await commitTenantChange(db, {
      tenant: tenantId,
      revision: expected,
      actor: principal.tokenId,
      statements: p.statements,
      audit: p.audit,
    });
  } catch (err) {
    if (!(err instanceof RevisionConflict)) throw err;
    throw preconditionFailed((await getTenant(db, tenantId))?.revision ?? tenant.revision);
  }
  c.header('ETag', `"${revision}"`);
  await realizeAfterWrite(c, tenantId, revision);
  return { result: p.result, revision, changed: true };
}
