import { policiesInEvaluationOrder } from '../compiler/rule-order.js';
import type { AddressMatch, CompiledRule, CompiledRuleSet, ServiceMatch } from '../compiler/types.js';
import type { ResolvedGroup } from '../policy/group-resolver.js';
import type { Group, Peer, Policy, Rule, TenantPolicyState, Workload } from '../policy/types.js';
import { groupMiss } from './group-miss.js';
import { addressIn, type ExplainPacket } from './packet.js';
import type { Decision, EvaluatedRule, GroupMiss } from './types.js';

/** The policy state the rule set was compiled from, for reasons in terms of groups and rules as written. */
export interface WalkContext {
  state: TenantPolicyState;
  groups: ReadonlyMap<string, Group>;
  resolved: ReadonlyMap<string, ResolvedGroup>;
  srcWorkload: Workload | null;
  dstWorkload: Workload | null;
  /** the workload of the hop's vNIC */
  hopWorkload: Workload | null;
}

const key = (policy: string, rule: string) => `${policy}\u0000${rule}`;

/**
 * Every rule looked at before `decision` on the vNIC's list for `dir`, with the first field that did not
 * match. With a context at the rule set's revision, the rules not in the list (disabled, other direction,
 * appliedTo elsewhere) are listed too, in evaluation order.
 */
export function walkRules(
  rs: CompiledRuleSet,
  vnicId: string,
  dir: 'in' | 'out',
  packet: ExplainPacket,
  decision: Decision,
  ctx: WalkContext | null,
): EvaluatedRule[] {
  const vnic = rs.vnics.find((v) => v.id === vnicId);
  if (!vnic || decision.reason === 'spoof' || decision.reason === 'unknown-vnic') return [];
  const list = dir === 'out' ? vnic.out : vnic.in;
  const decider = decision.rule === null ? null : key(decision.policy!, decision.rule);
  const compiled = new Map<string, CompiledRule>();
  for (const i of list) compiled.set(key(rs.rules[i]!.policy, rs.rules[i]!.id), rs.rules[i]!);
  const out: EvaluatedRule[] = [];
  const walk = new Walk(packet, ctx);

  if (ctx && ctx.state.revision === rs.revision) {
    for (const policy of policiesInEvaluationOrder(ctx.state.policies))
      for (const rule of policy.rules) {
        const k = key(policy.id, rule.id);
        if (k === decider) return out;
        const cr = compiled.get(k);
        out.push(cr ? walk.evaluate(cr, rule) : notApplied(policy, rule, vnicId, dir, ctx));
      }
    return out;
  }
  for (const i of list) {
    const cr = rs.rules[i]!;
    if (key(cr.policy, cr.id) === decider) break;
    out.push(walk.evaluate(cr, null));
  }
  return out;
}

class Walk {
  #jumped = false;

  constructor(
    readonly packet: ExplainPacket,
    readonly ctx: WalkContext | null,
  ) {}

  evaluate(cr: CompiledRule, rule: Rule | null): EvaluatedRule {
    const base = { policy: cr.policy, rule: cr.id, action: cr.action };
    if (this.#jumped && cr.category !== 'application')
      return {
        ...base,
        outcome: 'skipped-by-jump',
        field: null,
        why: 'an earlier jumpToApplication rule matched: non-application rules are skipped',
      };
    const p = this.packet;
    const src = peerMiss(cr.src, p.srcAddr);
    if (src)
      return {
        ...base,
        outcome: 'no-match',
        field: 'source',
        ...this.#peerWhy('source', src, rule?.sources),
      };
    const dst = peerMiss(cr.dst, p.dstAddr);
    if (dst)
      return {
        ...base,
        outcome: 'no-match',
        field: 'destination',
        ...this.#peerWhy('destination', dst, rule?.destinations),
      };
    if (!servicesMatch(cr.services, p))
      return {
        ...base,
        outcome: 'no-match',
        field: 'services',
        why: `${packetService(p)} is not among the rule's services (${cr.services.map(serviceText).join(', ')})`,
      };
    if (cr.action === 'jumpToApplication') {
      const skips = cr.category !== 'application';
      this.#jumped ||= skips;
      return {
        ...base,
        outcome: 'jumped',
        field: null,
        why: skips
          ? 'matched: evaluation jumps to the application category'
          : 'matched: in the application category a jump skips nothing, evaluation goes on',
      };
    }
    // the data plane decided later, so this cannot be: say so rather than hide it
    return {
      ...base,
      outcome: 'no-match',
      field: null,
      why: 'matches this packet, yet the data plane decided later',
    };
  }

  #peerWhy(
    side: 'source' | 'destination',
    miss: 'outside' | 'negated',
    peer: Peer | undefined,
  ): { why: string; groups?: GroupMiss[] } {
    const p = this.packet;
    const text = side === 'source' ? p.src : p.dst;
    const why =
      miss === 'outside'
        ? `${side} ${text} is not in the rule's ${side}s`
        : `${side} ${text} is in the rule's negated ${side}s`;
    const ctx = this.ctx;
    if (!ctx || !peer || peer === 'any') return { why };
    const address = side === 'source' ? p.srcAddr : p.dstAddr;
    const workload = side === 'source' ? ctx.srcWorkload : ctx.dstWorkload;
    const groups = peer.groups
      .map((g) => {
        const members = ctx.resolved.get(g);
        const member = members ? addressIn(members.addresses, address) : false;
        return groupMiss(g, text, member, workload, ctx.groups, ctx.resolved);
      })
      .filter((g) => g.member === (miss === 'negated'));
    const cidrs = peer.cidrs.length ? `; CIDRs ${peer.cidrs.join(', ')}` : '';
    return { why: `${why}${cidrs}`, groups };
  }
}

/** Why the address fails the match, or null when it matches. */
function peerMiss(m: AddressMatch, a: ExplainPacket['srcAddr']): 'outside' | 'negated' | null {
  if (m.any) return null;
  const inSet = addressIn(m.set, a);
  if (m.negate) return inSet ? 'negated' : null;
  return inSet ? null : 'outside';
}

function servicesMatch(services: readonly ServiceMatch[], p: ExplainPacket): boolean {
  if (services.length === 0) return true;
  return services.some(
    (s) =>
      (s.proto === -1 || s.proto === p.proto) && inRanges(s.sport, p.sport) && inRanges(s.dport, p.dport),
  );
}

function inRanges(ranges: readonly number[], v: number): boolean {
  if (ranges.length === 0) return true;
  for (let i = 0; i < ranges.length; i += 2) if (ranges[i]! <= v && v <= ranges[i + 1]!) return true;
  return false;
}

const isIcmp = (proto: number) => proto === 1 || proto === 58;

function packetService(p: ExplainPacket): string {
  if (isIcmp(p.proto)) return `protocol ${p.proto} type ${p.sport} code ${p.dport}`;
  return `protocol ${p.proto} from port ${p.sport} to port ${p.dport}`;
}

function serviceText(s: ServiceMatch): string {
  const ranges = (r: readonly number[]) =>
    r.length === 0
      ? 'any'
      : Array.from({ length: r.length / 2 }, (_, i) =>
          r[2 * i] === r[2 * i + 1] ? `${r[2 * i]}` : `${r[2 * i]}-${r[2 * i + 1]}`,
        ).join(',');
  if (s.proto === -1) return 'any protocol';
  if (isIcmp(s.proto)) return `protocol ${s.proto} type ${ranges(s.sport)} code ${ranges(s.dport)}`;
  return `protocol ${s.proto} ports ${ranges(s.dport)} from ${ranges(s.sport)}`;
}

/** Why a rule of the state is not in this vNIC's list for this direction. */
function notApplied(
  policy: Policy,
  rule: Rule,
  vnic: string,
  dir: 'in' | 'out',
  ctx: WalkContext,
): EvaluatedRule {
  const base = { policy: policy.id, rule: rule.id, action: rule.action, outcome: 'not-applied' as const };
  if (rule.disabled) return { ...base, field: 'disabled', why: 'the rule is disabled' };
  if (rule.direction !== 'inout' && rule.direction !== dir)
    return {
      ...base,
      field: 'direction',
      why: `the rule applies to direction ${rule.direction}, the packet is ${dir}`,
    };
  const scope = rule.appliedTo.length > 0 ? rule.appliedTo : policy.appliedTo;
  const inScope = scope.length === 0 || scope.some((g) => ctx.resolved.get(g)?.vnics.includes(vnic));
  if (!inScope) {
    const groups = scope.map((g) =>
      groupMiss(g, `vNIC ${vnic}`, false, ctx.hopWorkload, ctx.groups, ctx.resolved),
    );
    const from = rule.appliedTo.length > 0 ? 'rule' : 'policy';
    return {
      ...base,
      field: 'appliedTo',
      why: `vNIC ${vnic} is not in the ${from}'s appliedTo groups ${scope.map((g) => `"${g}"`).join(', ')}`,
      groups,
    };
  }
  return { ...base, field: 'services', why: "the rule's services have no entries: it matches nothing" };
}
