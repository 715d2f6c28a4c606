import type { CompiledRuleSet } from '../compiler/types.js';
import type { ResolvedGroup } from '../policy/group-resolver.js';
import type { TenantPolicyState } from '../policy/types.js';
import { resolveEnds, type ResolvedEnd } from './endpoints.js';
import { firstPacketDecision, type DecisionPlanes } from './first-packet.js';
import { explainPacket, type ExplainPacket } from './packet.js';
import { walkRules, type WalkContext } from './rule-walk.js';
import type { Explanation, ExplainQuery, Hop, HopAnswer } from './types.js';

/** An enforcement point the packet crosses: the source vNIC on `out`, the destination vNIC on `in`. */
export interface PlannedHop {
  hypervisor: string;
  vnic: string;
  workload: string;
  direction: 'in' | 'out';
}

export interface ExplainPlan {
  packet: ExplainPacket;
  src: ResolvedEnd;
  dst: ResolvedEnd;
  hops: PlannedHop[];
}

/** Resolves the ends and lists the hops; the caller then fetches the rule set of each hop's hypervisor. */
export function planExplain(state: Pick<TenantPolicyState, 'workloads'>, query: ExplainQuery): ExplainPlan {
  const { src, dst } = resolveEnds(state, query.src, query.dst);
  const packet = explainPacket(query, src.address, dst.address);
  const hops: PlannedHop[] = [];
  for (const [end, direction] of [
    [src, 'out'],
    [dst, 'in'],
  ] as const) {
    if (end.workload && end.vnic)
      hops.push({
        hypervisor: end.workload.hypervisor,
        vnic: end.vnic,
        workload: end.workload.id,
        direction,
      });
  }
  return { packet, src, dst, hops };
}

export interface ExplainInput {
  plan: ExplainPlan;
  /** the tenant's policy and inventory at the desired revision, with its groups resolved */
  state: TenantPolicyState;
  resolved: ReadonlyMap<string, ResolvedGroup>;
  /** the rule set each hop's hypervisor holds (null: none for this tenant) */
  realized: ReadonlyMap<string, CompiledRuleSet | null>;
  /** compiles the desired rule set of a hypervisor; called only for hops that drifted */
  desired: (hypervisor: string) => CompiledRuleSet;
  planes: DecisionPlanes;
}

/** Explains each hop at the realized revision, and at the desired one too where they differ. */
export function explain(input: ExplainInput): Explanation {
  const { plan, state } = input;
  const workloads = new Map(state.workloads.map((w) => [w.id, w]));
  const ctx = (hopWorkload: string): WalkContext => ({
    state,
    groups: new Map(state.groups.map((g) => [g.id, g])),
    resolved: input.resolved,
    srcWorkload: plan.src.workload,
    dstWorkload: plan.dst.workload,
    hopWorkload: workloads.get(hopWorkload) ?? null,
  });
  const hops: Hop[] = plan.hops.map((h) => {
    const rs = input.realized.get(h.hypervisor) ?? null;
    const answer = answerAt(input, rs, h, ctx(h.workload));
    const drift = rs?.revision !== state.revision;
    const hop: Hop = {
      ...h,
      desiredRevision: state.revision,
      realizedRevision: rs?.revision ?? null,
      drift,
      ...answer,
    };
    if (drift) hop.desired = answerAt(input, input.desired(h.hypervisor), h, ctx(h.workload));
    return hop;
  });
  const denied = hops.find((h) => h.decision.action !== 'allow');
  const { src, dst, proto, sport, dport } = plan.packet;
  return {
    verdict: denied?.decision.action ?? 'allow',
    packet: {
      src,
      dst,
      proto,
      sport,
      dport,
      ...(plan.packet.fields.flags ? { flags: plan.packet.fields.flags } : {}),
    },
    hops,
  };
}

function answerAt(
  input: ExplainInput,
  rs: CompiledRuleSet | null,
  h: PlannedHop,
  ctx: WalkContext,
): HopAnswer {
  const decision = firstPacketDecision(input.planes, rs, h.vnic, h.direction, input.plan.packet.fields);
  const evaluated = rs ? walkRules(rs, h.vnic, h.direction, input.plan.packet, decision, ctx) : [];
  return { revision: rs?.revision ?? null, decision, evaluated };
}
