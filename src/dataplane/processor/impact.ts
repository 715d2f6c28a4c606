import type { CompiledRuleSet } from '../../compiler/types.js';
import { formatIPv4, formatIPv6, parseIP } from '../../net/ip.js';
import { TouchedAddresses } from '../classifier/touched-addresses.js';
import { ACTION } from '../codec/index.js';
import { FLOW_STATE_NAMES, type ConntrackTable, type FlowInfo } from '../conntrack/index.js';
import type { FlowLogEntry } from './flow-log.js';
import { flowOpenedDir } from './flow-rule-word.js';
import { DENIED, flowRuleIndex, flowVerdict } from './revalidate-flows.js';
import { RuleHandles, type RuleRef } from './rule-handles.js';
import { buildTenantState, type TenantState, type VnicState } from './tenant-state.js';
import { VnicLabels } from './vnic-labels.js';

/** What would decide a packet under the candidate rules. */
export interface CandidateDecision {
  action: 'allow' | 'drop' | 'reject';
  reason: 'new' | 'default' | 'unknown-vnic';
  rule: string | null;
  policy: string | null;
}

/** One tracked flow the candidate rules would no longer allow. */
export interface CutFlow {
  vnic: string;
  workload: string;
  /** the direction of the packet that opened it at this vNIC, when known */
  openedOn: 'in' | 'out' | null;
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  state: string;
  allowedBy: { policy: string; rule: string } | null;
  now: CandidateDecision;
}

export interface FlowImpact {
  /** the tenant's flows on this hypervisor that were looked at */
  flows: number;
  cut: number;
  sample: CutFlow[];
}

/** A flow-log entry whose verdict the candidate rules would change. */
export interface ChangedEntry {
  entry: FlowLogEntry;
  now: CandidateDecision;
}

export interface FlowLogImpact {
  entries: number;
  newlyAllowed: number;
  newlyDenied: number;
  sample: ChangedEntry[];
}

/** A candidate rule set in the form the packet path reads, with handles and labels of its own. */
export function candidateState(rs: CompiledRuleSet): TenantState {
  return buildTenantState(rs, new RuleHandles(), new VnicLabels());
}

/**
 * candidateState for judging only the tenant's tracked flows in `conntrack` and these flow-log entries
 * (flowImpact, flowLogImpact): its rules' sources and destinations are cut down to the ones those carry,
 * which decides each of them as the full rules do while the classifier has a fraction of the boundaries
 * to build. Any other packet may be decided otherwise.
 */
export function impactState(
  rs: CompiledRuleSet,
  conntrack: ConntrackTable,
  entries: readonly FlowLogEntry[],
): TenantState {
  // sources and destinations apart: a vNIC's flows mostly start at its own few addresses
  const src = new TouchedAddresses();
  const dst = new TouchedAddresses();
  const handles = new Set<number>();
  for (const v of rs.vnics) handles.add(v.handle >>> 0);
  conntrack.forEach((ref, handle) => {
    if (!handles.has(handle)) return;
    const flow = conntrack.describe(ref);
    if (flow.family === 4) {
      src.add4(flow.src[0]!);
      dst.add4(flow.dst[0]!);
    } else {
      src.add6(flow.src, 0);
      dst.add6(flow.dst, 0);
    }
  });
  for (const e of entries) {
    if (e.tenant !== rs.tenant) continue;
    const s = parseIP(e.src);
    const d = parseIP(e.dst);
    if (s?.family === 4 && d?.family === 4) {
      src.add4(s.v4);
      dst.add4(d.v4);
    } else if (s?.family === 6 && d?.family === 6) {
      src.add6(s.v6, 0);
      dst.add6(d.v6, 0);
    }
  }
  const rules = rs.rules.map((r) => ({ ...r, src: src.restrict(r.src), dst: dst.restrict(r.dst) }));
  return candidateState({ ...rs, rules });
}

/**
 * The tenant's tracked flows that revalidation under `candidate` would cut (the same verdict function), plus
 * those of vNICs the candidate no longer has (their packets would be `unknown-vnic`). Changes nothing.
 */
export function flowImpact(
  conntrack: ConntrackTable,
  current: TenantState | undefined,
  candidate: TenantState,
  ruleRef: (flowRuleWord: number) => RuleRef | undefined,
  sampleLimit: number,
): FlowImpact {
  const next = new Map<number, VnicState>();
  for (const v of candidate.vnics) next.set(v.handle, v);
  const gone = new Map<number, VnicState>();
  for (const v of current?.vnics ?? []) if (!next.has(v.handle)) gone.set(v.handle, v);
  const out: FlowImpact = { flows: 0, cut: 0, sample: [] };
  conntrack.forEach((ref, handle) => {
    const vnic = next.get(handle) ?? gone.get(handle);
    if (!vnic) return;
    out.flows++;
    const flow = conntrack.describe(ref);
    const stays = next.has(handle) && flowVerdict(flow, vnic) !== DENIED;
    if (stays) return;
    out.cut++;
    if (out.sample.length < sampleLimit) out.sample.push(cutFlow(flow, vnic, next.has(handle), ruleRef));
  });
  return out;
}

function cutFlow(
  flow: FlowInfo,
  vnic: VnicState,
  known: boolean,
  ruleRef: (word: number) => RuleRef | undefined,
): CutFlow {
  const dir = flowOpenedDir(flow.rule);
  const ref = ruleRef(flow.rule);
  const text = (w: number[]) => (flow.family === 4 ? formatIPv4(w[0]!) : formatIPv6(w));
  return {
    vnic: vnic.id,
    workload: vnic.label.workload,
    openedOn: dir < 0 ? null : dir === 0 ? 'out' : 'in',
    proto: flow.proto,
    src: text(flow.src),
    dst: text(flow.dst),
    sport: flow.sport,
    dport: flow.dport,
    state: FLOW_STATE_NAMES[flow.state] ?? String(flow.state),
    allowedBy: ref ? { policy: ref.policy, rule: ref.rule } : null,
    now: known
      ? decisionOf(vnic.tenant, flowRuleIndex(flow, vnic, dir < 0 ? 0 : dir))
      : { action: 'drop', reason: 'unknown-vnic', rule: null, policy: null },
  };
}

function decisionOf(tenant: TenantState, index: number): CandidateDecision {
  if (index < 0)
    return {
      action: tenant.defaultAction === ACTION.allow ? 'allow' : 'drop',
      reason: 'default',
      rule: null,
      policy: null,
    };
  const rule = tenant.rules[index]!;
  const action = rule.action === 'allow' ? 'allow' : rule.action === 'reject' ? 'reject' : 'drop';
  return { action, reason: 'new', rule: rule.id, policy: rule.policy };
}

/**
 * Logged rule decisions (reason `new`) of the tenant whose verdict the candidate rules would change:
 * allowed now and denied then, or the reverse. Entries of vNICs the candidate lacks turn `unknown-vnic`.
 */
export function flowLogImpact(
  entries: readonly FlowLogEntry[],
  candidate: TenantState,
  sampleLimit: number,
): FlowLogImpact {
  const byId = new Map<string, VnicState>();
  for (const v of candidate.vnics) byId.set(v.id, v);
  const out: FlowLogImpact = { entries: 0, newlyAllowed: 0, newlyDenied: 0, sample: [] };
  for (const entry of entries) {
    if (entry.tenant !== candidate.name || entry.reason !== 'new') continue;
    out.entries++;
    const vnic = byId.get(entry.vnic);
    const now: CandidateDecision = vnic
      ? decisionOf(candidate, entryRuleIndex(entry, vnic))
      : { action: 'drop', reason: 'unknown-vnic', rule: null, policy: null };
    const before = entry.action === 'allow';
    const after = now.action === 'allow';
    if (before === after) continue;
    if (after) out.newlyAllowed++;
    else out.newlyDenied++;
    if (out.sample.length < sampleLimit) out.sample.push({ entry, now });
  }
  return out;
}

function entryRuleIndex(e: FlowLogEntry, vnic: VnicState): number {
  const list = e.dir === 'out' ? vnic.out : vnic.in;
  const src = parseIP(e.src);
  const dst = parseIP(e.dst);
  if (!src || !dst) return -1;
  if (src.family === 4 && dst.family === 4) return list.match4(src.v4, dst.v4, e.proto, e.sport, e.dport);
  if (src.family === 6 && dst.family === 6)
    return list.match6(src.v6, 0, dst.v6, 0, e.proto, e.sport, e.dport);
  return -1;
}
