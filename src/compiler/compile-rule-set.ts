import { AddressSetBuilder } from '../net/address-set.js';
import { type ResolvedGroup, resolveGroups } from '../policy/group-resolver.js';
import { PolicyError } from '../policy/policy-error.js';
import { effectiveTimeouts } from '../policy/timeouts.js';
import type { Policy, Rule, TenantPolicyState } from '../policy/types.js';
import { stableHash } from './content-hash.js';
import { PeerMatches } from './peer-matches.js';
import { policiesInEvaluationOrder } from './rule-order.js';
import { ServiceMatches } from './service-matches.js';
import { assignRuleLists, type EmittedRule } from './vnic-rule-lists.js';
import type { AddressMatch, CompiledRule, CompiledRuleSet, CompiledVnic, ServiceMatch } from './types.js';

export interface CompileInput {
  state: TenantPolicyState;
  hypervisor: string;
  /** vNIC id → global handle; must hold every vNIC on `hypervisor` */
  vnicHandles: ReadonlyMap<string, number>;
  /** resolveGroups(state.workloads, state.groups) when the caller already has it (it must cover all groups) */
  resolved?: ReadonlyMap<string, ResolvedGroup>;
  /** address and service matches shared by the compiles of one tenant state for several hypervisors */
  cache?: CompileCache;
  /**
   * false for a candidate that is only judged and never installed (a dry run's): the content hash, which
   * tells installs apart, is a third of a large compile and is left empty.
   */
  hash?: boolean;
}

export interface CompileCache {
  peers: PeerMatches;
  services: ServiceMatches;
}

/** One cache for compiling the same state (and resolution) for many hypervisors. */
export function compileCache(
  state: TenantPolicyState,
  resolved: ReadonlyMap<string, ResolvedGroup>,
): CompileCache {
  return { peers: new PeerMatches(resolved), services: new ServiceMatches(state.services) };
}

/**
 * Compiles a tenant's policy for the vNICs on one hypervisor. Every enabled rule is validated (unknown groups or
 * services throw PolicyError naming the policy and rule) whether or not it applies locally, so the outcome does
 * not depend on the hypervisor; only rules applying to a local vNIC are emitted.
 */
export function compileRuleSet(input: CompileInput): CompiledRuleSet {
  const { state, hypervisor } = input;
  const groups = input.resolved ?? resolveGroups(state.workloads, state.groups);
  const vnics = localVnics(input);
  const scopes = new AppliedToScopes(groups, vnics);
  const { peers, services } = input.cache ?? compileCache(state, groups);
  const rules: CompiledRule[] = [];
  const emitted: EmittedRule[] = [];

  for (const policy of policiesInEvaluationOrder(state.policies)) {
    for (const rule of policy.rules) {
      if (rule.disabled) continue;
      const compiled = withContext(policy, rule, () => {
        const targets = scopes.vnicsFor(rule.appliedTo.length > 0 ? rule.appliedTo : policy.appliedTo);
        const serviceMatches = services.match(rule.services);
        // named services without entries match nothing, unlike an empty list (any service)
        if (targets.length === 0 || (rule.services.length > 0 && serviceMatches.length === 0)) {
          peers.validate(rule.sources, 'sources');
          peers.validate(rule.destinations, 'destinations');
          return null;
        }
        const src = peers.match(rule.sources, 'sources');
        const dst = peers.match(rule.destinations, 'destinations');
        return { targets, rule: compileRule(policy, rule, src, dst, serviceMatches) };
      });
      if (!compiled) continue;
      rules.push(compiled.rule);
      emitted.push({ targets: compiled.targets, direction: rule.direction });
    }
  }
  assignRuleLists(vnics, emitted);

  const content = {
    tenant: state.tenant,
    hypervisor,
    defaultAction: state.settings.defaultAction,
    spoofGuard: state.settings.spoofGuard,
    revalidateOnChange: state.settings.revalidateOnChange,
    timeouts: effectiveTimeouts(state.settings.timeouts),
    rules,
    vnics,
  };
  return { ...content, revision: state.revision, hash: input.hash === false ? '' : stableHash(content) };
}

function compileRule(
  policy: Policy,
  rule: Rule,
  src: AddressMatch,
  dst: AddressMatch,
  services: ServiceMatch[],
): CompiledRule {
  return {
    id: rule.id,
    policy: policy.id,
    category: policy.category,
    action: rule.action,
    direction: rule.direction,
    stateful: policy.stateful,
    tcpStrict: policy.tcpStrict,
    log: rule.log,
    src,
    dst,
    services,
  };
}

function withContext<T>(policy: Policy, rule: Rule, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PolicyError) Object.assign(e.details, { policy: policy.id, rule: rule.id });
    throw e;
  }
}

/** The vNICs of workloads on the target hypervisor, sorted by id so the output ignores inventory order. */
function localVnics({ state, hypervisor, vnicHandles }: CompileInput): CompiledVnic[] {
  const out: CompiledVnic[] = [];
  for (const w of state.workloads) {
    if (w.hypervisor !== hypervisor) continue;
    for (const vnic of w.vnics) {
      const handle = vnicHandles.get(vnic.id);
      if (handle === undefined) throw new Error(`no handle for vNIC "${vnic.id}" of workload "${w.id}"`);
      const addresses = new AddressSetBuilder();
      for (const ip of vnic.ips) {
        if (!addresses.addCidr(ip)) {
          throw new PolicyError('invalid-address', `vNIC ${vnic.id} has invalid address "${ip}"`, {
            workload: w.id,
            vnic: vnic.id,
            address: ip,
          });
        }
      }
      out.push({ handle, id: vnic.id, workload: w.id, addresses: addresses.build(), out: [], in: [] });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Which local vNICs (indices into the local list) an appliedTo list covers; memoized per list. */
class AppliedToScopes {
  private readonly all: number[];
  private readonly localIndex: Map<string, number>;
  private readonly byGroup = new Map<string, number[]>();
  private readonly byScope = new Map<string, number[]>();

  constructor(
    private readonly groups: ReadonlyMap<string, ResolvedGroup>,
    vnics: readonly CompiledVnic[],
  ) {
    this.all = vnics.map((_, i) => i);
    this.localIndex = new Map(vnics.map((v, i) => [v.id, i]));
  }

  vnicsFor(groupIds: readonly string[]): number[] {
    if (groupIds.length === 0) return this.all;
    if (groupIds.length === 1) return this.group(groupIds[0]!);
    const key = groupIds.join('\0');
    let scope = this.byScope.get(key);
    if (!scope) {
      scope = [...new Set(groupIds.flatMap((id) => this.group(id)))].sort((a, b) => a - b);
      this.byScope.set(key, scope);
    }
    return scope;
  }

  private group(id: string): number[] {
    let local = this.byGroup.get(id);
    if (!local) {
      const group = this.groups.get(id);
      if (!group) throw new PolicyError('unknown-group', `unknown group "${id}" in appliedTo`, { group: id });
      local = [];
      for (const vnic of group.vnics) {
        const i = this.localIndex.get(vnic);
        if (i !== undefined) local.push(i);
      }
      local.sort((a, b) => a - b);
      this.byGroup.set(id, local);
    }
    return local;
  }
}
