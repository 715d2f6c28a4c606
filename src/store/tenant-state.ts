import type { TenantPolicyState, Tenant } from '../policy/types.js';
import type { Db } from './db.js';
import { loadAllGroups } from './groups.js';
import { loadAllPolicies } from './policies.js';
import { loadAllServices } from './services.js';
import { loadAllWorkloads } from './workloads.js';

export interface LoadedTenantState {
  state: TenantPolicyState;
  /** vNIC id → global data-plane handle */
  vnicHandles: Map<string, number>;
}

/** Everything the compiler and group resolution need for one tenant, read in parallel. */
export async function loadTenantState(db: Db, tenant: Tenant): Promise<LoadedTenantState> {
  const [{ workloads, handles }, groups, services, policies] = await Promise.all([
    loadAllWorkloads(db, tenant.id),
    loadAllGroups(db, tenant.id),
    loadAllServices(db, tenant.id),
    loadAllPolicies(db, tenant.id),
  ]);
  return {
    state: {
      tenant: tenant.id,
      revision: tenant.revision,
      settings: tenant.settings,
      workloads,
      groups,
      services,
      policies,
    },
    vnicHandles: handles,
  };
}

const CACHED_TENANTS = 4;
const cache = new Map<string, { revision: number; state: Promise<LoadedTenantState> }>();

/**
 * The tenant's state at its current revision, shared by the requests of this isolate: every mutation
 * bumps the revision, so a state read at one revision never goes stale. Concurrent callers share one load.
 */
export function loadTenantStateCached(db: Db, tenant: Tenant): Promise<LoadedTenantState> {
  const hit = cache.get(tenant.id);
  if (hit && hit.revision === tenant.revision) {
    cache.delete(tenant.id);
    cache.set(tenant.id, hit);
    return hit.state;
  }
  const state = loadTenantState(db, tenant);
  state.catch(() => cache.delete(tenant.id));
  cache.set(tenant.id, { revision: tenant.revision, state });
  while (cache.size > CACHED_TENANTS) cache.delete(cache.keys().next().value!);
  return state;
}
