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
