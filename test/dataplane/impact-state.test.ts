import { describe, expect, it } from 'vitest';
import { compileCache, compileRuleSet } from '../../src/compiler/index.js';
import { NO_RULE } from '../../src/dataplane/codec/index.js';
import { DEFAULT_TIMEOUTS, TCP_SYN } from '../../src/dataplane/conntrack/index.js';
import {
  candidateState,
  DataPlane,
  flowImpact,
  flowLogImpact,
  flowRuleWord,
  impactState,
  type FlowLogEntry,
} from '../../src/dataplane/processor/index.js';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../../src/net/ip.js';
import { resolveGroups } from '../../src/policy/group-resolver.js';
import type { TenantPolicyState } from '../../src/policy/types.js';
import { buildScaleTenant, random } from '../policy/scale-fixture.js';

function tenant(): TenantPolicyState {
  const s = buildScaleTenant({ workloads: 160, groups: 80, rules: 400 });
  return {
    tenant: 't',
    revision: 1,
    settings: { defaultAction: 'drop', spoofGuard: false, revalidateOnChange: true, timeouts: {} },
    workloads: s.workloads.map((w, i) => ({ ...w, hypervisor: `hv-${i % 2}` })),
    groups: s.groups,
    services: [],
    policies: s.policies,
  };
}

describe('impact over rules cut down to the flows', () => {
  it('judges every tracked flow and flow-log entry as the full candidate rules do (IPv4, IPv6, both directions)', () => {
    const state = tenant();
    const handles = new Map<string, number>();
    for (const w of state.workloads) for (const v of w.vnics) handles.set(v.id, handles.size + 1);
    const compile = (s: TenantPolicyState) => {
      const resolved = resolveGroups(s.workloads, s.groups);
      return compileRuleSet({
        state: s,
        hypervisor: 'hv-0',
        vnicHandles: handles,
        resolved,
        cache: compileCache(s, resolved),
      });
    };
    // the candidate drops two policies and turns some allows into drops, so flows are cut and kept
    const candidate: TenantPolicyState = {
      ...state,
      revision: 2,
      policies: state.policies
        .filter((p) => p.id !== 'p1' && p.id !== 'p6')
        .map((p, k) => ({
          ...p,
          rules: p.rules.map((r, j) => ((k + j) % 5 === 0 ? { ...r, action: 'drop' as const } : r)),
        })),
    };
    const plane = new DataPlane();
    plane.applyRuleSet(compile(state), 0);
    const installed = plane.tenantState('t')!;
    const rand = random(9);
    const int = (n: number) => Math.floor(rand() * n);
    const v4 = state.workloads
      .flatMap((w) => w.vnics.flatMap((v) => v.ips.map(parseIPv4)))
      .filter((a) => a !== null);
    const v6 = state.workloads
      .flatMap((w) => w.vnics.flatMap((v) => v.ips.map(parseIPv6)))
      .filter((a) => a !== null);
    // outside the inventory: the rules' CIDRs and addresses no group names
    const outside4 = ['203.0.113.7', '192.168.3.9', '8.8.8.8'].map((a) => parseIPv4(a)!);
    const outside6 = ['2001:db8:5::1', '2001:db8:ffff::2', '2600::1'].map((a) => parseIPv6(a)!);
    // flows carry the first half of each list, log entries also the second half
    const pickOf = <T>(inside: T[], outside: T[]) => {
      const half = Math.floor(inside.length / 2);
      return (forLog: boolean) =>
        rand() < 0.2
          ? outside[int(forLog ? 3 : 2) + (forLog ? 0 : 1)]!
          : inside[int(half) + (forLog ? half : 0)]!;
    };
    const next4 = pickOf(v4, outside4);
    const next6 = pickOf(v6, outside6);
    const pick4 = () => next4(false);
    const pick6 = () => next6(false);
    const rule = installed.ruleHandles[0]!;
    const entries: FlowLogEntry[] = [];
    for (let f = 0; f < 3000; f++) {
      const vnic = installed.vnics[int(installed.vnics.length)]!;
      const proto = [6, 17, 1][f % 3]!;
      const dport = proto === 1 ? 0 : [443, 22, 53, 5432, 8080, 9999][int(6)]!;
      const dir = int(3);
      const word = dir === 2 ? NO_RULE : flowRuleWord(rule, dir);
      const six = f % 2 === 1;
      const src4 = pick4();
      const dst4 = pick4();
      const src6 = pick6();
      const dst6 = pick6();
      if (six)
        plane.conntrack.insert6(
          vnic.handle,
          proto,
          src6,
          0,
          dst6,
          0,
          1024 + f,
          dport,
          TCP_SYN,
          0,
          DEFAULT_TIMEOUTS,
          word,
        );
      else
        plane.conntrack.insert4(
          vnic.handle,
          proto,
          src4,
          dst4,
          1024 + f,
          dport,
          TCP_SYN,
          0,
          DEFAULT_TIMEOUTS,
          word,
        );
      // half the log entries carry addresses of no tracked flow
      const other = f % 4 < 2;
      entries.push({
        at: f,
        tenant: 't',
        workload: vnic.label.workload,
        vnic: vnic.id,
        dir: dir === 1 ? 'in' : 'out',
        src: six ? formatIPv6(other ? next6(true) : src6) : formatIPv4(other ? next4(true) : src4),
        dst: six ? formatIPv6(other ? next6(true) : dst6) : formatIPv4(other ? next4(true) : dst4),
        proto,
        sport: 2000 + f,
        dport,
        action: f % 3 === 0 ? 'drop' : 'allow',
        reason: 'new',
        rule: null,
        policy: null,
      });
    }
    const rs = compile(candidate);
    const full = candidateState(rs);
    const cut = impactState(rs, plane.conntrack, entries);
    const ruleRef = (w: number) => plane.ruleRef(w);
    const expected = flowImpact(plane.conntrack, installed, full, ruleRef, 1e6);
    expect(expected.flows).toBe(3000);
    expect(expected.cut).toBeGreaterThan(100);
    expect(expected.cut).toBeLessThan(2900);
    expect(expected.sample.some((f) => f.src.includes(':'))).toBe(true);
    expect(flowImpact(plane.conntrack, installed, cut, ruleRef, 1e6)).toEqual(expected);
    const log = flowLogImpact(entries, full, 1e6);
    expect(log.newlyAllowed).toBeGreaterThan(0);
    expect(log.newlyDenied).toBeGreaterThan(0);
    expect(flowLogImpact(entries, cut, 1e6)).toEqual(log);
  });
});
