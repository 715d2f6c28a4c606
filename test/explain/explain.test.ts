import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/compiler/index.js';
import type { CompiledRuleSet } from '../../src/compiler/types.js';
import { packetsToBatch, verdictsToJson } from '../../src/dataplane/codec/index.js';
import { DataPlane } from '../../src/dataplane/processor/index.js';
import {
  DecisionPlanes,
  explain,
  planExplain,
  type Endpoint,
  type ExplainQuery,
} from '../../src/explain/index.js';
import { resolveGroups } from '../../src/policy/group-resolver.js';
import type { TenantPolicyState } from '../../src/policy/types.js';
import { random } from '../policy/scale-fixture.js';
import { oracle } from './oracle.js';
import { EXTERNAL_V4, EXTERNAL_V6, randomTenant } from './random-tenant.js';

function compileAll(state: TenantPolicyState) {
  const handles = new Map<string, number>();
  for (const w of state.workloads) for (const v of w.vnics) handles.set(v.id, handles.size + 1);
  const resolved = resolveGroups(state.workloads, state.groups);
  const hvs = [...new Set(state.workloads.map((w) => w.hypervisor))].sort();
  const sets = new Map<string, CompiledRuleSet>(
    hvs.map((h) => [h, compileRuleSet({ state, hypervisor: h, vnicHandles: handles, resolved })]),
  );
  return { resolved, sets };
}

function randomQuery(state: TenantPolicyState, rand: () => number): ExplainQuery {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const v6 = rand() < 0.35;
  const end = (): Endpoint => {
    const roll = rand();
    if (roll < 0.15) return { ip: pick(v6 ? EXTERNAL_V6 : EXTERNAL_V4) };
    const w = pick(
      state.workloads.filter((x) => x.vnics.some((v) => v.ips.some((ip) => ip.includes(':') === v6))),
    );
    if (roll < 0.3) return { ip: w.vnics.flatMap((v) => v.ips).find((ip) => ip.includes(':') === v6)! };
    if (roll < 0.45) return { vnic: w.vnics.find((v) => v.ips.some((ip) => ip.includes(':') === v6))!.id };
    return { workload: w.id };
  };
  const roll = rand();
  const proto = roll < 0.45 ? 6 : roll < 0.7 ? 17 : roll < 0.9 ? 1 : 47;
  const q: ExplainQuery = { src: end(), dst: end(), proto };
  if (proto === 6 || proto === 17) {
    q.sport = pick([40000, 1000, 53, 50000]);
    q.dport = pick([80, 443, 53, 22, 8050, 5432, 5500]);
  } else if (proto === 1) {
    q.icmpType = pick([8, 128, 3]);
    q.icmpCode = pick([0, 1]);
  }
  return q;
}

/** The real data plane's verdict for the same first packet, on a plane fed the hypervisor's rule set. */
function realVerdict(
  plane: DataPlane,
  rs: CompiledRuleSet,
  vnic: string,
  dir: 'in' | 'out',
  fields: ReturnType<typeof planExplain>['packet']['fields'],
) {
  const handle = rs.vnics.find((v) => v.id === vnic)!.handle;
  const verdicts = plane.process(packetsToBatch([{ ...fields, vnic: handle, dir }]), 1_000);
  plane.conntrack.deleteByVnic(handle);
  return verdictsToJson(verdicts, (h) => plane.ruleRef(h))[0]!;
}

function run(seed: number, flows: number, hypervisors: number) {
  const state = randomTenant(seed, hypervisors);
  const { resolved, sets } = compileAll(state);
  const real = new Map(
    [...sets].map(([h, rs]) => {
      const plane = new DataPlane();
      plane.applyRuleSet(rs, 0);
      return [h, plane] as const;
    }),
  );
  const planes = new DecisionPlanes();
  const rand = random(seed * 7 + 1);
  const seen = {
    hops: 0,
    v6: 0,
    reject: 0,
    jumped: 0,
    notApplied: new Set<string>(),
    actions: new Set<string>(),
  };
  for (let f = 0; f < flows; f++) {
    const query = randomQuery(state, rand);
    let plan;
    try {
      plan = planExplain(state, query);
    } catch {
      continue; // no common family between the two ends
    }
    const out = explain({
      plan,
      state,
      resolved,
      realized: sets,
      desired: () => expect.unreachable(),
      planes,
    });
    const inInventory = [plan.src.vnic, plan.dst.vnic].filter(Boolean).length;
    expect(out.hops).toHaveLength(inInventory);
    if (plan.packet.srcAddr.family === 6) seen.v6++;
    for (const hop of out.hops) {
      seen.hops++;
      const rs = sets.get(hop.hypervisor)!;
      const expected = realVerdict(
        real.get(hop.hypervisor)!,
        rs,
        hop.vnic,
        hop.direction,
        plan.packet.fields,
      );
      expect(hop.decision, `flow ${f} ${JSON.stringify(query)} at ${hop.vnic} ${hop.direction}`).toEqual(
        expected,
      );
      const o = oracle(state, resolved, hop.vnic, hop.direction, plan.packet);
      expect({ ...hop.decision }).toEqual({
        action: o.action,
        reason: o.reason,
        rule: o.rule,
        policy: o.policy,
      });
      expect(
        hop.evaluated.map(({ policy, rule, outcome, field }) => ({ policy, rule, outcome, field })),
      ).toEqual(o.steps);
      expect(hop.drift).toBe(false);
      seen.actions.add(hop.decision.action);
      if (hop.decision.action === 'reject') seen.reject++;
      for (const e of hop.evaluated) {
        if (e.outcome === 'jumped') seen.jumped++;
        if (e.outcome === 'not-applied') seen.notApplied.add(e.field!);
      }
    }
  }
  return seen;
}

describe('explain over random tenants', () => {
  it('answers every hop as the data plane answers the first packet, and lists the rules before it as the oracle does', () => {
    const a = run(11, 400, 3);
    const b = run(29, 300, 4);
    for (const seen of [a, b]) {
      expect(seen.hops).toBeGreaterThan(300);
      expect(seen.v6).toBeGreaterThan(50);
      expect(seen.reject).toBeGreaterThan(0);
      expect(seen.jumped).toBeGreaterThan(0);
      expect([...seen.notApplied].sort()).toEqual(['appliedTo', 'direction', 'disabled', 'services']);
      expect([...seen.actions].sort()).toEqual(['allow', 'drop', 'reject']);
    }
  }, 60_000);
});
