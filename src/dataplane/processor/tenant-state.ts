import type { CompiledRule, CompiledRuleSet } from '../../compiler/types.js';
import type { ConntrackTimeouts } from '../../policy/types.js';
import { effectiveTimeouts } from '../../policy/timeouts.js';
import { ACTION } from '../codec/index.js';
import { OwnedAddresses } from './owned-addresses.js';
import type { RuleHandles } from './rule-handles.js';
import { RuleListCache, type RuleList } from './rule-list.js';
import type { VnicLabels } from './vnic-labels.js';

/** Names a flow log entry carries; one small object per vNIC per installed rule set. */
export interface VnicLabel {
  readonly tenant: string;
  readonly workload: string;
  readonly vnic: string;
}

export interface VnicState {
  readonly handle: number;
  readonly id: string;
  readonly label: VnicLabel;
  /** the label's id in the data plane's VnicLabels, as flow-log records carry it */
  readonly labelId: number;
  readonly tenant: TenantState;
  readonly out: RuleList;
  readonly in: RuleList;
  readonly owned: OwnedAddresses;
  moved: boolean;
}

/** One tenant's installed rule set in the form the packet path reads. */
export interface TenantState {
  readonly name: string;
  readonly revision: number;
  readonly hash: string;
  readonly defaultAction: number;
  readonly spoofGuard: boolean;
  readonly revalidateOnChange: boolean;
  readonly timeouts: ConntrackTimeouts;
  readonly rules: readonly CompiledRule[];
  /** rule handle per index of `rules` */
  readonly ruleHandles: Uint32Array;
  readonly vnics: readonly VnicState[];
}

/** Work per step of tenantStateSteps, small enough that a caller yielding between steps stays responsive. */
const RULES_PER_STEP = 2000;
const VNICS_PER_STEP = 50;

/**
 * Builds a tenant's state in steps (yield = a slice of work done; the caller may let other work run before
 * resuming); with `warm`, it ends with every distinct rule list's classifier built, so nothing is left for
 * the first packets (else each is built on first use). Nothing is installed: the caller swaps the result in. vNICs start not moved; whoever installs
 * sets `moved` from its own list at that moment.
 */
export function* tenantStateSteps(
  rs: CompiledRuleSet,
  handles: RuleHandles,
  labels: VnicLabels,
  warm: boolean,
): Generator<void, TenantState> {
  const rules = rs.rules.slice();
  const ruleHandles = new Uint32Array(rules.length);
  for (let i = 0; i < rules.length; i++) {
    ruleHandles[i] = handles.intern(rs.tenant, rules[i]!.policy, rules[i]!.id);
    if ((i + 1) % RULES_PER_STEP === 0) yield;
  }
  const vnics: VnicState[] = [];
  const tenant: TenantState = {
    name: rs.tenant,
    revision: rs.revision,
    hash: rs.hash,
    defaultAction: rs.defaultAction === 'allow' ? ACTION.allow : ACTION.drop,
    spoofGuard: rs.spoofGuard,
    revalidateOnChange: rs.revalidateOnChange,
    timeouts: Object.freeze(effectiveTimeouts(rs.timeouts)),
    rules,
    ruleHandles,
    vnics,
  };
  const lists = new RuleListCache(rules);
  const seen = new Set<number>();
  for (const v of rs.vnics) {
    const handle = v.handle >>> 0;
    if (handle !== v.handle) throw new RangeError(`vNIC ${v.id}: handle ${v.handle} is not a u32`);
    if (seen.has(handle))
      throw new RangeError(`vNIC handle ${handle} appears twice in ${rs.tenant}'s rule set`);
    seen.add(handle);
    const labelId = labels.intern(rs.tenant, v.workload, v.id);
    vnics.push({
      handle,
      id: v.id,
      label: labels.label(labelId)!,
      labelId,
      tenant,
      out: lists.listOf(v.out),
      in: lists.listOf(v.in),
      owned: new OwnedAddresses(v.addresses),
      moved: false,
    });
    if (vnics.length % VNICS_PER_STEP === 0) yield;
  }
  if (warm) yield* warmSteps(tenant);
  return tenant;
}

/** Builds the classifiers of every distinct rule list of the tenant, one per step. */
export function* warmSteps(tenant: TenantState): Generator<void> {
  const seen = new Set<RuleList>();
  for (const v of tenant.vnics)
    for (const list of [v.out, v.in]) {
      if (seen.has(list)) continue;
      seen.add(list);
      list.warm();
      yield;
    }
}

/** tenantStateSteps all at once, classifiers left to first use. */
export function buildTenantState(rs: CompiledRuleSet, handles: RuleHandles, labels: VnicLabels): TenantState {
  const steps = tenantStateSteps(rs, handles, labels, false);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
