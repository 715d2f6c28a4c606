import { describe, expect, it } from 'vitest';
import { findingsCsv, ruleKey } from '../../src/analysis/index.js';
import { analyse, cidrs, groups, policy, rule, summary, tcp, tenant, udp, workload } from './fixtures.js';

describe('shadowing and redundancy', () => {
  it('finds a rule shadowed by one earlier rule with another action, with a packet of the overlap', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('deny-lan', 'drop', { destinations: cidrs('10.0.0.0/24'), services: [tcp()] }),
          rule('web', 'allow', {
            sources: cidrs('10.0.0.5'),
            destinations: cidrs('10.0.0.7'),
            services: [tcp('80')],
          }),
        ]),
      ]),
    );
    const shadowed = f.find((x) => x.kind === 'shadowed')!;
    expect(shadowed).toMatchObject({
      rule: { policy: 'p', rule: 'web' },
      covering: [{ policy: 'p', rule: 'deny-lan' }],
      exact: true,
      fix: { op: 'remove', rule: { policy: 'p', rule: 'web' } },
      alternatives: [{ op: 'reorder', before: { policy: 'p', rule: 'deny-lan' } }],
      evidence: { packet: { family: 4, src: '10.0.0.5', dst: '10.0.0.7', proto: 6, dport: 80 } },
    });
  });

  it('finds a rule shadowed only by the union of two earlier rules, which no pairwise check sees', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('low', 'drop', { sources: cidrs('10.0.0.0/25') }),
          rule('high', 'reject', { sources: cidrs('10.0.0.128/25') }),
          rule('all', 'allow', { sources: cidrs('10.0.0.0/24'), services: [tcp('443')] }),
        ]),
      ]),
    );
    expect(summary(f)).toEqual(['shadowed p/all']);
    expect(f[0]!.covering.map((r) => r.rule)).toEqual(['low', 'high']);
    expect(f[0]!.message).toContain('never reached');
  });

  it('does not report rules that look shadowed pairwise but are reached by a gap in the union', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('low', 'drop', { sources: cidrs('10.0.0.0/25') }),
          rule('mid', 'drop', { sources: cidrs('10.0.0.128/26') }),
          // 10.0.0.192/26 still reaches it
          rule('all', 'allow', { sources: cidrs('10.0.0.0/24') }),
          rule('ssh', 'drop', { services: [tcp('22')] }),
          // udp/53 reaches it; tcp/22 does not
          rule('mixed', 'allow', { services: [tcp('22'), udp('53')] }),
        ]),
      ]),
    );
    expect(f.filter((x) => x.kind === 'shadowed' || x.kind === 'redundant')).toEqual([]);
    expect(f.find((x) => x.rule.rule === 'all')).toMatchObject({
      kind: 'generalization',
      covering: [{ rule: 'low' }, { rule: 'mid' }],
    });
    expect(f.find((x) => x.rule.rule === 'mixed')?.kind).toBe('generalization');
  });

  it('calls a rule covered by same-action rules redundant, and one covered by mixed actions shadowed', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('a', 'allow', { sources: cidrs('10.0.0.0/25') }),
          rule('b', 'reject', { sources: cidrs('10.0.0.128/25') }),
          rule('c', 'allow', { sources: cidrs('10.0.0.0/26') }),
          rule('d', 'drop', { sources: cidrs('10.0.0.0/24') }),
          rule('rest', 'allow', { sources: cidrs('10.9.0.0/16') }),
        ]),
      ]),
    );
    expect(summary(f.filter((x) => x.kind === 'shadowed' || x.kind === 'redundant'))).toEqual([
      'redundant p/c',
      'shadowed p/d',
    ]);
    expect(f.find((x) => x.rule.rule === 'c')!.covering.map((r) => r.rule)).toEqual(['a']);
  });

  it('finds a reachable rule redundant when a later same-action rule or the default decides its packets alike', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('narrow', 'allow', { sources: cidrs('10.0.0.5'), services: [tcp('80')] }),
          rule('broad', 'allow', { sources: cidrs('10.0.0.0/24'), services: [tcp()] }),
          rule('deny-guest', 'drop', { sources: cidrs('10.8.0.0/16') }),
        ]),
      ]),
    );
    expect(summary(f)).toEqual(['redundant p/narrow', 'redundant p/deny-guest']);
    expect(f[0]!.covering).toEqual([{ policy: 'p', rule: 'broad' }]);
    expect(f[1]!.evidence.coveredByDefault).toBe(true);
  });

  it('is not fooled by a different action in between', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('narrow', 'allow', { sources: cidrs('10.0.0.5'), services: [tcp('80')] }),
          rule('block', 'drop', { sources: cidrs('10.0.0.0/29'), services: [tcp('80')] }),
          rule('broad', 'allow', { sources: cidrs('10.0.0.0/24'), services: [tcp()] }),
        ]),
      ]),
    );
    expect(f.filter((x) => x.rule.rule === 'narrow')).toEqual([]);
  });
});

describe('the box cap', () => {
  // eight single-packet exceptions on the diagonal cut the later rule's residual into many boxes
  const diagonal = Array.from({ length: 8 }, (_, i) =>
    rule(`d${i}`, 'allow', { sources: cidrs(`10.0.0.${i}`), destinations: cidrs(`10.0.1.${i}`) }),
  );
  const state = tenant([
    policy('p', [
      ...diagonal,
      rule('grid', 'drop', { sources: cidrs('10.0.0.0/29'), destinations: cidrs('10.0.1.0/29') }),
    ]),
  ]);

  it('says so in a finding whose residual hit the cap, and keeps proofs that hold under it exact', () => {
    const capped = analyse(state, { boxCap: 4 }).find((f) => f.rule.rule === 'grid')!;
    expect(capped).toMatchObject({ kind: 'redundant', exact: true, boxCap: 4, neverReached: false });
    const full = analyse(state).find((f) => f.rule.rule === 'grid')!;
    expect(full).toMatchObject({ kind: 'redundant', exact: true, neverReached: false });
    expect(full.boxCap).toBeUndefined();
  });
});

describe('evaluation order, scopes and directions', () => {
  it('follows categories: an emergency rule shadows an application rule whatever the priorities', () => {
    const f = analyse(
      tenant([
        policy('app', [rule('allow-ssh', 'allow', { services: [tcp('22')] })], { priority: 1 }),
        policy('em', [rule('block-ssh', 'drop', { services: [tcp('22')] })], {
          category: 'emergency',
          priority: 99,
        }),
      ]),
    );
    expect(f.find((x) => x.rule.rule === 'allow-ssh')).toMatchObject({
      kind: 'shadowed',
      covering: [{ policy: 'em', rule: 'block-ssh' }],
    });
  });

  it('lets jumpToApplication pass packets into the application category past later environment rules', () => {
    const state = tenant([
      policy(
        'env',
        [
          rule('to-app', 'jumpToApplication', { sources: cidrs('10.0.0.0/24') }),
          rule('deny', 'drop', { sources: cidrs('10.0.0.0/16') }),
        ],
        {
          category: 'environment',
        },
      ),
      policy('app', [
        rule('web', 'allow', { sources: cidrs('10.0.0.5'), services: [tcp('443')] }),
        rule('jump-here', 'jumpToApplication'),
      ]),
    ]);
    const f = analyse(state);
    expect(
      f.filter((x) => x.rule.rule === 'web' && (x.kind === 'shadowed' || x.kind === 'redundant')),
    ).toEqual([]);
    expect(f.find((x) => x.rule.rule === 'jump-here')?.kind).toBe('redundant');
    // without the jump, the environment drop decides first
    state.policies[0]!.rules.shift();
    expect(analyse(state).find((x) => x.rule.rule === 'web')).toMatchObject({
      kind: 'shadowed',
      covering: [{ policy: 'env', rule: 'deny' }],
    });
  });

  it('analyses per vNIC rule list: a cover that applies elsewhere or in the other direction does not shadow', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('db-only', 'drop', { appliedTo: ['db'] }),
          rule('in-only', 'drop', { direction: 'in', services: [tcp('22')] }),
          rule('web-https', 'allow', { appliedTo: ['web'], services: [tcp('443')] }),
          rule('ssh', 'allow', { services: [tcp('22')], appliedTo: ['web'] }),
          rule('everyone', 'allow', { services: [tcp('8080')] }),
        ]),
      ]),
    );
    expect(f.filter((x) => x.kind === 'shadowed' || x.kind === 'redundant')).toEqual([]);
  });

  it('merges the lists of a rule: shadowed only when no vNIC direction reaches it', () => {
    const state = tenant([
      policy('p', [
        rule('web-deny', 'drop', { appliedTo: ['web'], services: [tcp('22')] }),
        rule('db-deny', 'drop', { appliedTo: ['db'], services: [tcp('22')] }),
        rule('ssh', 'allow', { services: [tcp('22')] }),
      ]),
    ]);
    expect(summary(analyse(state)).filter((s) => s.includes('ssh'))).toEqual(['shadowed p/ssh']);
    state.workloads.push(workload('app1', ['10.0.2.1']));
    expect(summary(analyse(state)).filter((s) => s.includes('ssh'))).toEqual([]);
  });

  it('handles IPv6 and ICMP types separately from IPv4 and ports', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('v6-drop', 'drop', { sources: cidrs('fd00::/64') }),
          rule('v6-host', 'allow', { sources: cidrs('fd00::5') }),
          rule('both', 'allow', { sources: cidrs('fd00::/16', '10.0.0.0/8') }),
          rule('icmp-any', 'drop', { services: [{ proto: 'icmp' }] }),
          rule('echo', 'allow', { services: [{ proto: 'icmp', icmpType: 8 }] }),
          rule('echo6', 'allow', { services: [{ proto: 'icmpv6', icmpType: 128 }] }),
        ]),
      ]),
    );
    expect(summary(f.filter((x) => x.kind === 'shadowed'))).toEqual([
      'shadowed p/v6-host',
      'shadowed p/echo',
    ]);
    expect(f.find((x) => x.rule.rule === 'v6-host')!.evidence.packet).toMatchObject({
      family: 6,
      src: 'fd00::5',
    });
    expect(f.find((x) => x.rule.rule === 'echo')!.evidence.packet).toMatchObject({ proto: 1, icmpType: 8 });
  });
});

describe('pairwise classes', () => {
  it('reports correlated and generalization pairs with a packet of the overlap', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('from-lan', 'allow', { sources: cidrs('10.0.0.0/24'), services: [tcp('80')] }),
          rule('to-dmz', 'drop', { destinations: cidrs('10.1.0.0/16'), services: [tcp()] }),
          rule('exception', 'drop', { sources: cidrs('10.2.0.5'), services: [tcp('22')] }),
          rule('broad', 'allow', { sources: cidrs('10.2.0.0/16'), services: [tcp('22')] }),
        ]),
      ]),
    );
    expect(f.find((x) => x.rule.rule === 'to-dmz')).toMatchObject({
      kind: 'correlated',
      covering: [{ rule: 'from-lan' }],
      fix: { op: 'reorder', before: { rule: 'from-lan' } },
      evidence: { packet: { src: '10.0.0.0', dst: '10.1.0.0', proto: 6, dport: 80 } },
    });
    expect(f.find((x) => x.rule.rule === 'broad')).toMatchObject({
      kind: 'generalization',
      covering: [{ rule: 'exception' }],
      fix: { op: 'none' },
      evidence: { packet: { src: '10.2.0.5', dport: 22 } },
    });
  });
});

describe('irrelevant and unused', () => {
  it('finds rules that can match nothing and says why', () => {
    const state = tenant([
      policy('p', [
        rule('nowhere', 'allow', { appliedTo: ['nobody'] }),
        rule('from-nobody', 'allow', { sources: groups('nobody') }),
        rule('to-nobody', 'drop', { destinations: groups('nobody') }),
        rule('mixed-family', 'allow', { sources: cidrs('10.0.0.0/8'), destinations: cidrs('fd00::/8') }),
        rule('disabled', 'allow', { disabled: true, appliedTo: ['nobody'] }),
      ]),
    ]);
    const f = analyse(state);
    expect(f.map((x) => [x.rule.rule, x.kind, x.evidence.reason])).toEqual([
      ['nowhere', 'irrelevant', 'no-vnic'],
      ['from-nobody', 'irrelevant', 'no-source-address'],
      ['to-nobody', 'irrelevant', 'no-destination-address'],
      ['mixed-family', 'irrelevant', 'no-common-family'],
    ]);
    expect(analyse({ ...state, workloads: [] }).every((x) => x.evidence.reason === 'no-vnic')).toBe(true);
  });

  it('reports rules without hits since the counter baseline, with the baseline and the policy age', () => {
    const since = Date.parse('2026-11-30T12:00:00Z');
    const use = new Map([
      [ruleKey('p', 'used'), { hits: 3, lastHit: since + 1000, countersSince: since }],
      [ruleKey('p', 'idle'), { hits: 0, lastHit: null, countersSince: since }],
    ]);
    const ages = new Map([
      ['p', { createdAt: '2026-10-01T00:00:00.000Z', changedAt: '2026-11-30T11:00:00.000Z' }],
    ]);
    const f = analyse(
      tenant([
        policy('p', [
          rule('used', 'allow', { services: [tcp('443')] }),
          rule('idle', 'allow', { services: [tcp('22')] }),
          rule('not-installed', 'allow', { services: [tcp('25')] }),
        ]),
      ]),
      { use, ages },
    );
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      kind: 'unused',
      rule: { rule: 'idle' },
      fix: { op: 'remove' },
      evidence: {
        hits: 0,
        countersSince: '2026-11-30T12:00:00.000Z',
        countedFor: 86400,
        policyCreatedAt: '2026-10-01T00:00:00.000Z',
      },
    });
  });
});

describe('clean rules and export', () => {
  it('reports nothing on rules without anomalies', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('web-in', 'allow', { destinations: groups('web'), services: [tcp('443')] }),
          rule('web-db', 'allow', {
            sources: groups('web'),
            destinations: groups('db'),
            services: [tcp('5432')],
          }),
          rule('ping', 'allow', { services: [{ proto: 'icmp', icmpType: 8 }] }),
        ]),
        policy('infra', [rule('dns', 'allow', { services: [udp('53')] })], { category: 'infrastructure' }),
      ]),
    );
    expect(f).toEqual([]);
  });

  it('exports findings as CSV, one row each, quoting and defusing cells', () => {
    const f = analyse(
      tenant([
        policy('p', [
          rule('a', 'drop', { sources: cidrs('10.0.0.0/24') }),
          rule('-b', 'allow', { sources: cidrs('10.0.0.5') }),
        ]),
      ]),
    );
    const csv = findingsCsv(f);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('kind,policy,rule,exact,covering,covering_count,packet,scope,fix,message');
    expect(lines).toHaveLength(f.length + 1);
    expect(lines[1]).toMatch(/^shadowed,p,'-b,true,p\/a,1,10\.0\.0\.5 > /);
    expect(lines[1]).toContain('"never reached: p/a decides all its packets, not all as it would"');
  });
});
