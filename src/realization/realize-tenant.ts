import { affectedHypervisors } from '../compiler/affected-hypervisors.js';
import { compileCache, compileRuleSet } from '../compiler/compile-rule-set.js';
import { ruleSetParts } from '../compiler/rule-set-parts.js';
import type { CompiledRuleSet } from '../compiler/types.js';
import { hypervisorOf, type Env } from '../env.js';
import { resolveGroups } from '../policy/group-resolver.js';
import { PolicyError } from '../policy/policy-error.js';
import { openDb } from '../store/db.js';
import { loadTenantStateCached } from '../store/tenant-state.js';
import { getTenant } from '../store/tenants.js';

/** The tenant's state at `revision` does not compile (a state the API refuses, e.g. injected): retrying cannot help. */
export class UnrealizableRevision extends Error {
  readonly code = 'unrealizable-revision';
  constructor(
    readonly revision: number,
    cause: PolicyError,
  ) {
    super(`revision ${revision} cannot be realized: ${cause.message}`);
  }
}

export interface RealizationResult {
  tenant: string;
  revision: number;
  /** hypervisors that now hold the tenant's rule set */
  hypervisors: string[];
  /** hypervisors the tenant was removed from */
  removed: string[];
}

const PUSH_CONCURRENCY = 4;

async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One RPC when the rule set is small; otherwise a header, parts under the message limit, and a commit. */
async function pushRuleSet(env: Env, rs: CompiledRuleSet): Promise<void> {
  const stub = hypervisorOf(env, rs.hypervisor);
  const split = ruleSetParts(rs);
  if (!split) {
    await stub.applyRuleSet(rs);
    return;
  }
  await stub.beginRuleSet(split.header);
  for (const part of split.parts) await stub.appendRuleSetPart(rs.tenant, rs.revision, part);
  await stub.commitRuleSet(rs.tenant, rs.revision);
}

/**
 * Compiles the tenant's current policy and inventory for every hypervisor hosting its workloads and pushes
 * each rule set to that hypervisor's object; hypervisors that no longer host any drop the tenant.
 */
export async function realizeTenant(
  env: Env,
  tenantId: string,
  previous: readonly string[],
): Promise<RealizationResult> {
  const db = openDb(env.DB);
  const tenant = await getTenant(db, tenantId);
  if (!tenant) {
    await Promise.all(previous.map((h) => hypervisorOf(env, h).removeTenant(tenantId)));
    return { tenant: tenantId, revision: 0, hypervisors: [], removed: [...previous] };
  }
  const { state, vnicHandles } = await loadTenantStateCached(db, tenant);
  const hypervisors = affectedHypervisors(state);
  const removed = previous.filter((h) => !hypervisors.includes(h));
  try {
    const resolved = resolveGroups(state.workloads, state.groups);
    const cache = compileCache(state, resolved);
    // a few at a time: each compiled rule set of a large tenant is big, and only a few need be alive at once
    await inParallel(hypervisors, PUSH_CONCURRENCY, (hypervisor) =>
      pushRuleSet(env, compileRuleSet({ state, hypervisor, vnicHandles, resolved, cache })),
    );
  } catch (err) {
    throw err instanceof PolicyError ? new UnrealizableRevision(tenant.revision, err) : err;
  }
  await Promise.all(removed.map((h) => hypervisorOf(env, h).removeTenant(tenantId)));
  return { tenant: tenantId, revision: tenant.revision, hypervisors, removed };
}
