import type { CompiledRule, CompiledRuleSet } from '../../compiler/types.js';
import type { ConntrackTimeouts } from '../../policy/types.js';
import { effectiveTimeouts } from '../../policy/timeouts.js';
import { ACTION } from '../codec/index.js';
import { OwnedAddresses } from './owned-addresses.js';
import type { RuleHandles } from './rule-handles.js';
import { RuleListCache, type RuleList } from './rule-list.js';

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

export function buildTenantState(
  rs: CompiledRuleSet,
  handles: RuleHandles,
  isMoved: (handle: number) => boolean,
): TenantState {
  const rules = rs.rules.slice();
  const ruleHandles = Uint32Array.from(rules, (r) => handles.intern(rs.tenant, r.policy, r.id));
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
    vnics.push({
      handle,
      id: v.id,
      label: Object.freeze({ tenant: rs.tenant, workload: v.workload, vnic: v.id }),
      tenant,
      out: lists.listOf(v.out),
      in: lists.listOf(v.in),
      owned: new OwnedAddresses(v.addresses),
      moved: isMoved(handle),
    });
  }
  return tenant;
}
