import { compileRuleSet } from '../compiler/compile-rule-set.js';
import type { CompiledRuleSet } from '../compiler/types.js';
import { resolveGroups, type ResolvedGroup } from '../policy/group-resolver.js';
import type { TenantPolicyState } from '../policy/types.js';

/** Stands for every hypervisor at once: appliedTo scopes do not depend on where a vNIC runs. */
const EVERYWHERE = '';

export interface TenantView {
  ruleSet: CompiledRuleSet;
  resolved: ReadonlyMap<string, ResolvedGroup>;
}

/**
 * The tenant's rules compiled as the data plane gets them, for all its vNICs in one rule set (as if on
 * one hypervisor), so each distinct vNIC rule list is analysed once whatever hypervisor holds it.
 */
export function compileTenantView(state: TenantPolicyState): TenantView {
  const resolved = resolveGroups(state.workloads, state.groups);
  const workloads = state.workloads.map((w) => ({ ...w, hypervisor: EVERYWHERE }));
  const vnicHandles = new Map(workloads.flatMap((w) => w.vnics).map((v, i) => [v.id, i]));
  const ruleSet = compileRuleSet({
    state: { ...state, workloads },
    hypervisor: EVERYWHERE,
    vnicHandles,
    resolved,
  });
  return { ruleSet, resolved };
}
