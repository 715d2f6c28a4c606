/**
 * Explain and impact, in process over the pure core. Explain: a tenant of 10,000 rules and 1,000 workloads
 * (50 hypervisors), random workload pairs on tcp/443; latency per query with the hop's classifiers built
 * (warm, as repeated explains of a rule set are) and with them built for the query (cold), next to
 * DataPlane.process of the same one-packet batch. Impact: 100,000 tracked flows over 4 hypervisors against
 * a candidate (one policy of 20 rules removed): the request as one thread runs it (compile the candidate
 * per hypervisor, then each hypervisor's share as its object computes it: the candidate's rules cut down to
 * its flows' addresses, then every flow through revalidation's verdict), wall and CPU time; baseline in the
 * same run: one hypervisor's share over the candidate's full rules, which must judge every flow the same.
 * Run: npx tsx bench/explain.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { compileCache, compileRuleSet } from '../src/compiler/index.js';
import type { CompiledRuleSet } from '../src/compiler/types.js';
import { packetsToBatch } from '../src/dataplane/codec/index.js';
import { DEFAULT_TIMEOUTS, TCP_SYN } from '../src/dataplane/conntrack/index.js';
import {
  candidateState,
  DataPlane,
  flowImpact,
  flowRuleWord,
  impactState,
  type TenantState,
} from '../src/dataplane/processor/index.js';
import { DecisionPlanes, explain, planExplain, type ExplainQuery } from '../src/explain/index.js';
import { parseIPv4 } from '../src/net/ip.js';
import { resolveGroups } from '../src/policy/group-resolver.js';
import type { TenantPolicyState } from '../src/policy/types.js';
import { buildScaleTenant } from '../test/policy/scale-fixture.js';
import { lcg, printFigures } from './timing.js';

const RULES = 10_000;
const WORKLOADS = 1_000;
const QUERIES = 100;
const COLD_QUERIES = 5;
/** explained workloads sit on these many of the tenant's 50 hypervisors (their rule sets are compiled) */
const EXPLAIN_HYPERVISORS = 4;
const FLOWS = 100_000;
const IMPACT_HYPERVISORS = 4;

function tenant(hypervisors: number | null, sharedLists = false): TenantPolicyState {
  const s = buildScaleTenant({ workloads: WORKLOADS, groups: 1_000, rules: RULES });
  // without appliedTo every vNIC of a hypervisor has the same two rule lists (out, in)
  if (sharedLists) for (const p of s.policies) for (const r of p.rules) r.appliedTo = [];
  const workloads =
    hypervisors === null
      ? s.workloads
      : s.workloads.map((w, i) => ({ ...w, hypervisor: `hv-${i % hypervisors}` }));
  return {
    tenant: 't',
    revision: 2,
    settings: { defaultAction: 'drop', spoofGuard: false, revalidateOnChange: true, timeouts: {} },
    workloads,
    groups: s.groups,
    services: [],
    policies: s.policies,
  };
}

function handlesOf(state: TenantPolicyState): Map<string, number> {
  const handles = new Map<string, number>();
  for (const w of state.workloads) for (const v of w.vnics) handles.set(v.id, handles.size + 1);
  return handles;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

function explainFigures() {
  process.stderr.write('explain: compiling\n');
  const state = tenant(null);
  const handles = handlesOf(state);
  const resolved = resolveGroups(state.workloads, state.groups);
  const cache = compileCache(state, resolved);
  const sets = new Map<string, CompiledRuleSet>();
  for (let h = 0; h < EXPLAIN_HYPERVISORS; h++)
    sets.set(
      `hv-${h}`,
      compileRuleSet({ state, hypervisor: `hv-${h}`, vnicHandles: handles, resolved, cache }),
    );
  const local = state.workloads.filter((w) => sets.has(w.hypervisor));
  const next = lcg(7);
  const queries: ExplainQuery[] = Array.from({ length: QUERIES }, () => ({
    src: { workload: local[next() % local.length]!.id },
    dst: { workload: local[next() % local.length]!.id },
    proto: 6,
    dport: 443,
  }));
  const run = (q: ExplainQuery, planes: DecisionPlanes) =>
    explain({
      plan: planExplain(state, q),
      state,
      resolved,
      realized: sets,
      desired: () => sets.get('')!,
      planes,
    });

  const cold: number[] = [];
  for (const q of queries.slice(0, COLD_QUERIES)) {
    const t0 = process.hrtime.bigint();
    run(q, new DecisionPlanes());
    cold.push(ms(t0));
  }
  const planes = new DecisionPlanes(sets.size);
  for (const q of queries) run(q, planes);
  const warm: number[] = [];
  let evaluated = 0;
  for (const q of queries) {
    const t0 = process.hrtime.bigint();
    evaluated += run(q, planes).hops.reduce((n, h) => n + h.evaluated.length, 0);
    warm.push(ms(t0));
  }

  // baseline: the data plane deciding the same first packets, one per batch, classifiers built
  const byHv = new Map<string, DataPlane>();
  for (const [h, rs] of sets) {
    const plane = new DataPlane();
    plane.applyRuleSet(rs, 0);
    byHv.set(h, plane);
  }
  const packets = queries.map((q) => {
    const plan = planExplain(state, q);
    const hop = plan.hops[0]!;
    const rs = sets.get(hop.hypervisor)!;
    return {
      plane: byHv.get(hop.hypervisor)!,
      batch: packetsToBatch([
        { ...plan.packet.fields, dir: 'out', vnic: rs.vnics.find((v) => v.id === hop.vnic)!.handle },
      ]),
    };
  });
  for (const p of packets) p.plane.process(p.batch, 0);
  const base: number[] = [];
  for (const p of packets) {
    p.plane.conntrack.clear();
    const t0 = process.hrtime.bigint();
    p.plane.process(p.batch, 0);
    base.push(ms(t0));
  }
  return {
    explainWarmMedianMs: quantile(warm, 0.5),
    explainWarmP95Ms: quantile(warm, 0.95),
    explainColdMedianMs: quantile(cold, 0.5),
    explainColdP95Ms: quantile(cold, 0.95),
    processOnePacketMedianMs: quantile(base, 0.5),
    explainRulesListedPerQuery: evaluated / QUERIES,
  };
}

const cpuMs = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};

function impactFigures() {
  const state = tenant(IMPACT_HYPERVISORS, true);
  const handles = handlesOf(state);
  const resolved = resolveGroups(state.workloads, state.groups);
  const cache = compileCache(state, resolved);
  const candidate = { ...state, revision: 3, policies: state.policies.filter((p) => p.id !== 'p3') };
  const next = lcg(11);
  const v4 = state.workloads.map((w) => parseIPv4(w.vnics[0]!.ips[0]!)!);
  const planes: DataPlane[] = [];
  for (let h = 0; h < IMPACT_HYPERVISORS; h++) {
    const hypervisor = `hv-${h}`;
    const plane = new DataPlane();
    plane.applyRuleSet(compileRuleSet({ state, hypervisor, vnicHandles: handles, resolved, cache }), 0);
    const installed = plane.tenantState('t')!;
    const word = flowRuleWord(installed.ruleHandles[0]!, 0);
    const local = installed.vnics.filter((v) => v.id.endsWith('-eth0'));
    for (let f = 0; f < FLOWS / IMPACT_HYPERVISORS; f++) {
      const v = local[f % local.length]!;
      const src = v4[Number(v.id.slice(1, -5))]!;
      const dst = v4[next() % v4.length]!;
      const dport = [443, 22, 5432, 8080][f % 4]!;
      plane.conntrack.insert4(
        v.handle,
        6,
        src,
        dst,
        1024 + (f % 60000),
        dport,
        TCP_SYN,
        0,
        DEFAULT_TIMEOUTS,
        word,
      );
    }
    planes.push(plane);
    process.stderr.write(`impact: hv-${h} ready\n`);
  }
  // the request as one thread runs it (wrangler dev): the API compiles the candidate for each hypervisor,
  // then each hypervisor object judges its conntrack against it, one after another
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const candidateResolved = resolveGroups(candidate.workloads, candidate.groups);
  const candidateCache = compileCache(candidate, candidateResolved);
  const sets = planes.map((_, h) =>
    compileRuleSet({
      state: candidate,
      hypervisor: `hv-${h}`,
      vnicHandles: handles,
      resolved: candidateResolved,
      cache: candidateCache,
      hash: false,
    }),
  );
  const compileMs = ms(t0);
  const compileCpuMs = cpuMs(c0);
  let slowest = 0;
  let slowestCpu = 0;
  let sum = 0;
  let sumCpu = 0;
  let cut = 0;
  let examined = 0;
  const judge = (plane: DataPlane, next: TenantState) =>
    flowImpact(plane.conntrack, plane.tenantState('t'), next, (w) => plane.ruleRef(w), 100);
  planes.forEach((plane, h) => {
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage();
    const impact = judge(plane, impactState(sets[h]!, plane.conntrack, []));
    const took = ms(t1);
    const tookCpu = cpuMs(c1);
    slowest = Math.max(slowest, took);
    slowestCpu = Math.max(slowestCpu, tookCpu);
    sum += took;
    sumCpu += tookCpu;
    cut += impact.cut;
    examined += impact.flows;
  });
  const requestMs = ms(t0);
  const requestCpuMs = cpuMs(c0);
  // baseline, same run, both warm: one hypervisor's share again, then over the candidate's full rules
  // (every address boundary), which must judge every flow the same
  const t2 = process.hrtime.bigint();
  const c2 = process.cpuUsage();
  const same = judge(planes[0]!, impactState(sets[0]!, planes[0]!.conntrack, []));
  const againMs = ms(t2);
  const againCpuMs = cpuMs(c2);
  const t3 = process.hrtime.bigint();
  const c3 = process.cpuUsage();
  const full = judge(planes[0]!, candidateState(sets[0]!));
  const fullMs = ms(t3);
  const fullCpuMs = cpuMs(c3);
  if (JSON.stringify(same) !== JSON.stringify(full))
    throw new Error('impact: cut-down rules judged otherwise');
  return {
    impactFlows: examined,
    impactCut: cut,
    // scripts/bench.mjs reports this one against the target: the whole dry run, compile included
    impactTotalMs: requestMs,
    impactRequestCpuMs: requestCpuMs,
    impactCompileMs: compileMs,
    impactCompileCpuMs: compileCpuMs,
    impactHypervisorsSumMs: sum,
    impactHypervisorsSumCpuMs: sumCpu,
    impactSlowestHypervisorMs: slowest,
    impactSlowestHypervisorCpuMs: slowestCpu,
    impactWarmHypervisorMs: againMs,
    impactWarmHypervisorCpuMs: againCpuMs,
    impactFullRulesHypervisorMs: fullMs,
    impactFullRulesHypervisorCpuMs: fullCpuMs,
    impactCpuSpeedupOverFullRules: fullCpuMs / againCpuMs,
  };
}

export async function run(): Promise<Record<string, number>> {
  const explained = explainFigures();
  process.stderr.write(`${JSON.stringify(explained)}\n`);
  return { ...explained, ...impactFigures() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(await run());
