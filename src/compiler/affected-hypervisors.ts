import type { TenantPolicyState } from '../policy/types.js';

/** The hypervisors hosting any of the tenant's workloads, sorted: the ones a policy change is pushed to. */
export function affectedHypervisors(state: Pick<TenantPolicyState, 'workloads'>): string[] {
  return [...new Set(state.workloads.map((w) => w.hypervisor))].sort();
}
