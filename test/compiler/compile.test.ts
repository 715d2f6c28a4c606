import { describe, expect, it } from 'vitest';
import {
  affectedHypervisors,
  compileRuleSet,
  type CompileInput,
  fnv1a64Hex,
} from '../../src/compiler/index.js';
import { addressSetHas } from '../../src/net/address-set.js';
import { resolveGroups } from '../../src/policy/group-resolver.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { DEFAULT_TIMEOUTS } from '../../src/policy/timeouts.js';
import type { Group, Policy, Rule, TenantPolicyState, Workload } from '../../src/policy/types.js';
import { buildScaleTenant } from '../policy/scale-fixture.js';

function workload(id: string, hypervisor: string, ips: string[], tags: string[] = []): Workload {
  return { id, name: id, hypervisor, vnics: [{ id: `${id}-eth0`, ips }], tags, attributes: {} };
}

function group(id: string, criteria: Group['criteria'], cidrs: string[] = []): Group {
  return { id, members: { workloads: [], vnics: [], cidrs, groups: [] }, criteria };
}

function rule(id: string, extra: Partial<Rule> = {}): Rule {
  return {
    id,
    sources: 'any',
    destinations: 'any',
    services: [],
    appliedTo: [],
    direction: 'inout',
    action: 'allow',
    log: false,
    disabled: false,
    ...extra,
  };
}

function policy(
  id: string,
  category: Policy['category'],
  priority: number,
  rules: Rule[],
  extra: Partial<Policy> = {},
) {
  return {
    id,
    category,
    priority,
    stateful: true,
    tcpStrict: false,
    appliedTo: [],
    rules,
    ...extra,
  } as Policy;
}

function tenant(policies: Policy[], extra: Partial<TenantPolicyState> = {}): TenantPolicyState {
  return {
    tenant: 't1',
    revision: 7,
    settings: {
      defaultAction: 'drop',
      spoofGuard: false,
      revalidateOnChange: false,
      timeouts: { tcpEstablished: 3600 },
    },
    workloads: [
      workload('web1', 'hv-1', ['10.0.0.1', 'fd00::1'], ['tier=web']),
      workload('web2', 'hv-2', ['10.0.0.2'], ['tier=web']),
      workload('db1', 'hv-1', ['10.0.1.1'], ['tier=db']),
    ],
    groups: [
      group('web', { field: 'tag', op: 'equals', value: 'tier=web' }),
      group('db', { field: 'tag', op: 'equals', value: 'tier=db' }),
      group('office', undefined, ['192.168.0.0/16']),
    ],
    services: [],
    policies,
    ...extra,
  };
}

const handles = new Map([
  ['web1-eth0', 1],
  ['web2-eth0', 2],
  ['db1-eth0', 3],
]);

function compile(state: TenantPolicyState, hypervisor = 'hv-1', extra: Partial<CompileInput> = {}) {
  return compileRuleSet({ state, hypervisor, vnicHandles: handles, ...extra });
}

function vnic(set: ReturnType<typeof compile>, id: string) {
  return set.vnics.find((v) => v.id === id)!;
}

const ruleIds = (set: ReturnType<typeof compile>, indices: number[]) => indices.map((i) => set.rules[i]!.id);

describe('compileRuleSet', () => {
  it('orders rules by category, then priority (ties by policy id), then position', () => {
    const set = compile(
      tenant([
        policy('app-b', 'application', 1, [rule('b1'), rule('b2')]),
        policy('app-a', 'application', 1, [rule('a1')]),
        policy('env', 'environment', 0, [rule('e1')]),
        policy('emerg', 'emergency', 99, [rule('x1')]),
        policy('infra', 'infrastructure', 5, [rule('i2')]),
        policy('infra0', 'infrastructure', 2, [rule('i1')]),
      ]),
    );
    expect(set.rules.map((r) => r.id)).toEqual(['x1', 'i1', 'i2', 'e1', 'a1', 'b1', 'b2']);
    expect(ruleIds(set, vnic(set, 'web1-eth0').out)).toEqual(['x1', 'i1', 'i2', 'e1', 'a1', 'b1', 'b2']);
    expect(set.rules[0]).toMatchObject({
      policy: 'emerg',
      category: 'emergency',
      stateful: true,
      action: 'allow',
    });
  });

  it('includes only local vNICs, with their own addresses and handles', () => {
    const set = compile(tenant([]));
    expect(set.vnics.map((v) => [v.id, v.handle, v.workload])).toEqual([
      ['db1-eth0', 3, 'db1'],
      ['web1-eth0', 1, 'web1'],
    ]);
    const web1 = vnic(set, 'web1-eth0');
    expect(addressSetHas(web1.addresses, '10.0.0.1')).toBe(true);
    expect(addressSetHas(web1.addresses, 'fd00::1')).toBe(true);
    expect(addressSetHas(web1.addresses, '10.0.0.2')).toBe(false);
    expect(set).toMatchObject({ tenant: 't1', hypervisor: 'hv-1', revision: 7, defaultAction: 'drop' });
    expect(set.timeouts).toEqual({ ...DEFAULT_TIMEOUTS, tcpEstablished: 3600 });
  });

  it('applies rules by rule appliedTo, else policy appliedTo, else everywhere', () => {
    const set = compile(
      tenant([
        policy('p', 'application', 1, [rule('everywhere'), rule('to-db', { appliedTo: ['db'] })]),
        policy('q', 'application', 2, [rule('web-only'), rule('override', { appliedTo: ['db'] })], {
          appliedTo: ['web'],
        }),
        policy('r', 'application', 3, [rule('remote-only', { appliedTo: ['office'] })]),
      ]),
    );
    expect(ruleIds(set, vnic(set, 'web1-eth0').in)).toEqual(['everywhere', 'web-only']);
    expect(ruleIds(set, vnic(set, 'db1-eth0').in)).toEqual(['everywhere', 'to-db', 'override']);
    expect(set.rules.map((r) => r.id)).not.toContain('remote-only');
  });

  it('splits rules by direction and drops disabled rules', () => {
    const set = compile(
      tenant([
        policy('p', 'application', 1, [
          rule('in', { direction: 'in' }),
          rule('out', { direction: 'out' }),
          rule('both'),
          rule('off', { disabled: true }),
        ]),
      ]),
    );
    const web1 = vnic(set, 'web1-eth0');
    expect(ruleIds(set, web1.in)).toEqual(['in', 'both']);
    expect(ruleIds(set, web1.out)).toEqual(['out', 'both']);
    expect(set.rules.map((r) => r.id)).toEqual(['in', 'out', 'both']);
  });

  it('compiles sources and destinations from groups and CIDRs, with negation', () => {
    const set = compile(
      tenant([
        policy('p', 'application', 1, [
          rule('r', {
            sources: { groups: ['web', 'office'], cidrs: ['172.16.0.0/12'], negate: false },
            destinations: { groups: ['db'], cidrs: [], negate: true },
          }),
        ]),
      ]),
    );
    const { src, dst } = set.rules[0]!;
    expect(src.any).toBe(false);
    for (const ip of ['10.0.0.1', '10.0.0.2', 'fd00::1', '192.168.3.4', '172.20.0.1']) {
      expect(addressSetHas(src.set, ip), ip).toBe(true);
    }
    expect(addressSetHas(src.set, '10.0.1.1')).toBe(false);
    expect(dst).toEqual({ any: false, negate: true, set: { v4: [0x0a000101, 0x0a000101], v6: [] } });
    expect(compile(tenant([policy('p', 'application', 1, [rule('r')])])).rules[0]!.src).toMatchObject({
      any: true,
      negate: false,
    });
  });

  it('resolves services: tenant, built-in, override and inline', () => {
    const state = tenant(
      [
        policy('p', 'application', 1, [
          rule('r', {
            services: [
              'dns',
              'icmp-echo',
              'app',
              { proto: 'udp', ports: '5000-5010,5005', sourcePorts: '53' },
              { proto: 47 },
              { proto: 'icmp', icmpType: 3, icmpCode: 4 },
            ],
          }),
          rule('ssh', { services: ['ssh'] }),
        ]),
      ],
      {
        services: [
          { id: 'app', entries: [{ proto: 'tcp', ports: '8080' }] },
          { id: 'ssh', entries: [{ proto: 'tcp', ports: '2222' }] },
        ],
      },
    );
    const set = compile(state);
    expect(set.rules[0]!.services).toEqual([
      { proto: 17, sport: [], dport: [53, 53] },
      { proto: 6, sport: [], dport: [53, 53] },
      { proto: 1, sport: [8, 8], dport: [] },
      { proto: 58, sport: [128, 128], dport: [] },
      { proto: 6, sport: [], dport: [8080, 8080] },
      { proto: 17, sport: [53, 53], dport: [5000, 5010] },
      { proto: 47, sport: [], dport: [] },
      { proto: 1, sport: [3, 3], dport: [4, 4] },
    ]);
    expect(set.rules[1]!.services).toEqual([{ proto: 6, sport: [], dport: [2222, 2222] }]);
  });

  it('rejects unknown services and groups naming the policy and rule, even for remote rules', () => {
    const error = (policies: Policy[]) => {
      try {
        compile(tenant(policies));
      } catch (e) {
        expect(e).toBeInstanceOf(PolicyError);
        return { code: (e as PolicyError).code, details: (e as PolicyError).details };
      }
      throw new Error('expected a PolicyError');
    };
    expect(error([policy('p', 'application', 1, [rule('r', { services: ['gopher'] })])])).toEqual({
      code: 'unknown-service',
      details: { service: 'gopher', policy: 'p', rule: 'r' },
    });
    const remote = rule('r', {
      appliedTo: ['office'],
      sources: { groups: ['nope'], cidrs: [], negate: false },
    });
    expect(error([policy('p', 'application', 1, [remote])])).toMatchObject({
      code: 'unknown-group',
      details: { group: 'nope', field: 'sources', policy: 'p', rule: 'r' },
    });
    expect(error([policy('p', 'application', 1, [rule('r', { appliedTo: ['ghost'] })])]).code).toBe(
      'unknown-group',
    );
    const badPorts = rule('r', { services: [{ proto: 'tcp', ports: '70000' }] });
    expect(error([policy('p', 'application', 1, [badPorts])]).code).toBe('invalid-ports');
  });

  it('hashes deterministically and changes the hash on edits', () => {
    const policies = [policy('p', 'application', 1, [rule('r', { services: ['https'] })])];
    const a = compile(tenant(policies));
    const b = compile(tenant(structuredClone(policies)));
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.hash).toBe(a.hash);
    const shuffled = tenant(policies);
    shuffled.workloads.reverse();
    expect(compile(shuffled).hash).toBe(a.hash);
    expect(compile({ ...tenant(policies), revision: 8 }).hash).toBe(a.hash);
    const edited = structuredClone(policies);
    edited[0]!.rules[0]!.action = 'drop';
    expect(compile(tenant(edited)).hash).not.toBe(a.hash);
    expect(compile(tenant(policies), 'hv-2').hash).not.toBe(a.hash);
    const fromWeb = [
      policy('p', 'application', 1, [rule('r', { sources: { groups: ['web'], cidrs: [], negate: false } })]),
    ];
    const before = compile(tenant(fromWeb)).hash;
    const moved = tenant(fromWeb);
    moved.workloads[1]!.vnics[0]!.ips = ['10.0.0.9'];
    expect(compile(moved).hash).not.toBe(before);
  });

  it('reuses a resolution passed in', () => {
    const state = tenant([policy('p', 'application', 1, [rule('r', { appliedTo: ['web'] })])]);
    const resolved = resolveGroups(state.workloads, state.groups);
    expect(compile(state, 'hv-1', { resolved })).toEqual(compile(state));
  });
});

describe('helpers', () => {
  it('lists the hypervisors hosting workloads', () => {
    expect(affectedHypervisors(tenant([]))).toEqual(['hv-1', 'hv-2']);
  });

  it('computes FNV-1a 64', () => {
    expect(fnv1a64Hex('')).toBe('cbf29ce484222325');
    expect(fnv1a64Hex('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Hex('foobar')).toBe('85944171f73967e8');
  });
});

describe('compileRuleSet at scale', () => {
  it('compiles 10,000 rules over 1,000 groups for one hypervisor', () => {
    const { workloads, groups, policies } = buildScaleTenant({ rules: 10_000 });
    const state: TenantPolicyState = { ...tenant(policies), workloads, groups };
    const vnicHandles = new Map(
      workloads.flatMap((w) => w.vnics.map((v) => v.id)).map((id, i) => [id, i + 1]),
    );
    let started = performance.now();
    const resolved = resolveGroups(workloads, groups);
    const resolveMs = performance.now() - started;
    started = performance.now();
    const set = compileRuleSet({ state, hypervisor: 'hv-7', vnicHandles, resolved });
    const compileMs = performance.now() - started;
    console.log(
      `resolve ${resolveMs.toFixed(1)} ms + compile ${compileMs.toFixed(1)} ms: ` +
        `${set.rules.length} rules, ${set.vnics.length} vNICs on hv-7`,
    );
    const local = workloads.filter((w) => w.hypervisor === 'hv-7');
    expect(set.vnics).toHaveLength(local.reduce((n, w) => n + w.vnics.length, 0));
    expect(set.rules.length).toBeGreaterThan(7000);
    const everywhere = set.rules.findIndex((r) => r.id === 'p0-r1');
    for (const v of set.vnics) expect(v.in.includes(everywhere) || v.out.includes(everywhere)).toBe(true);
  });
});

describe('per-vNIC rule lists', () => {
  it('equal, for every vNIC, the rules whose appliedTo selects it, in order and by direction', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
    const tags = ['a', 'b', 'c', 'd'];
    const workloads = Array.from({ length: 24 }, (_, i) =>
      workload(
        `w${i}`,
        'hv-1',
        [`10.1.0.${i + 1}`],
        tags.filter(() => next() % 2 === 0),
      ),
    );
    const groups = tags.map((t) => group(`g-${t}`, { field: 'tag', op: 'equals', value: t }));
    const directions = ['in', 'out', 'inout'] as const;
    const pick = () => groups.filter(() => next() % 3 === 0).map((g) => g.id);
    const policies = [0, 1, 2].map((p) =>
      policy(
        `p${p}`,
        'application',
        p,
        Array.from({ length: 40 }, (_, r) =>
          rule(`r${r}`, {
            appliedTo: pick(),
            direction: directions[next() % 3]!,
            disabled: next() % 10 === 0,
          }),
        ),
        { appliedTo: p === 1 ? ['g-a'] : [] },
      ),
    );
    const state = tenant(policies, { workloads, groups });
    const handles = new Map(workloads.map((w, i) => [`${w.id}-eth0`, i + 1]));
    const rs = compileRuleSet({ state, hypervisor: 'hv-1', vnicHandles: handles });
    const resolved = resolveGroups(state.workloads, state.groups);
    for (const vnic of rs.vnics) {
      const expected = { out: [] as number[], in: [] as number[] };
      rs.rules.forEach((compiled, i) => {
        const p = policies.find((x) => x.id === compiled.policy)!;
        const r = p.rules.find((x) => x.id === compiled.id)!;
        const scope = r.appliedTo.length > 0 ? r.appliedTo : p.appliedTo;
        if (scope.length > 0 && !scope.some((g) => resolved.get(g)!.vnics.includes(vnic.id))) return;
        if (r.direction !== 'in') expected.out.push(i);
        if (r.direction !== 'out') expected.in.push(i);
      });
      expect({ vnic: vnic.id, out: vnic.out, in: vnic.in }).toEqual({ vnic: vnic.id, ...expected });
    }
    expect(new Set(rs.vnics.map((v) => v.out)).size).toBeLessThan(rs.vnics.length);
  });
});
