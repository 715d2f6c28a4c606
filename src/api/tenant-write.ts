import type { Context } from 'hono';
import type { Tenant } from '../policy/types.js';
import type { Db } from '../store/db.js';
import {
  runTenantTransaction,
  type PlanOutcome,
  type TenantPlan,
  type TenantTransactionOutcome,
} from '../store/tenant-transaction.js';
import { getTenant } from '../store/tenants.js';
import { assertTenantRead, assertTenantWrite, type Principal } from './auth/principal.js';
import type { AppEnv } from './context.js';
import { notFound, tenantWriteError } from './errors.js';
import { ifMatchRevision } from './if-match.js';
import { realizeAfterWrite } from './realize-hook.js';

export type WritePlan<T> = TenantPlan<T>;
export type WriteOutcome<T> = TenantTransactionOutcome<T>;

export async function readableTenant(c: Context<AppEnv>, id: string): Promise<Tenant> {
  assertTenantRead(c.get('principal'), id);
  const tenant = await getTenant(c.get('db'), id);
  if (!tenant) throw notFound('tenant', id);
  return tenant;
}

export interface WriteOptions<T> {
  /** who may write (default: admins and the tenant's editors) */
  authorize?: (p: Principal, tenant: string) => void;
  /** runs after the commit, before realization is requested */
  beforeRealize?: (out: WriteOutcome<T>) => Promise<void>;
}

/**
 * Runs one tenant mutation: scope check, If-Match, plan against the current state, commit all-or-nothing
 * with a revision bump and audit entries only if no other write committed in between (else plan again),
 * then realization.
 */
export async function writeTenant<T>(
  c: Context<AppEnv>,
  tenantId: string,
  plan: (tenant: Tenant, db: Db) => Promise<PlanOutcome<T>>,
  opts: WriteOptions<T> = {},
): Promise<WriteOutcome<T>> {
  const principal = c.get('principal');
  (opts.authorize ?? assertTenantWrite)(principal, tenantId);
  const expected = ifMatchRevision(c);
  let out: WriteOutcome<T>;
  try {
    out = await runTenantTransaction(
      c.get('db'),
      { tenant: tenantId, expected, actor: principal.tokenId },
      plan,
    );
  } catch (err) {
    throw tenantWriteError(err, tenantId);
  }
  c.header('ETag', `"${out.revision}"`);
  if (out.changed) {
    await opts.beforeRealize?.(out);
    await realizeAfterWrite(c, tenantId, out.revision);
  }
  return out;
}
