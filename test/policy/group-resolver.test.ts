import { describe, expect, it } from 'vitest';
import { addressSetToCidrs } from '../../src/net/address-format.js';
import { addressSetHas } from '../../src/net/address-set.js';
import { evaluateCriteria } from '../../src/policy/criteria.js';
import { groupsContainingWorkload, groupsNesting } from '../../src/policy/group-membership.js';
import { resolveGroups } from '../../src/policy/group-resolver.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import type { Group, GroupMembers, Workload } from '../../src/policy/types.js';
import { buildScaleTenant } from './scale-fixture.js';

function workload(id: string, ips: string[][], extra: Partial<Workload> = {}): Workload {
  return {
    id,
    name: id,
    hypervisor: 'hv-1',
    vnics: ips.map((list, i) => ({ id: `${id}-eth${i}`, ips: list })),
    tags: [],
    attributes: {},
    ...extra,
  };
}

function group(id: string, members: Partial<GroupMembers> = {}, criteria?: Group['criteria']): Group {
  return { id, members: { workloads: [], vnics: [], cidrs: [], groups: [], ...members }, criteria };
}

const workloads = [
  workload('web1', [['10.0.0.1'], ['10.0.0.2', 'fd00::1']], { tags: ['tier=web'] }),
  workload('web2', [['10.0.0.3']], { tags: ['tier=web'] }),
  workload('db1', [['10.0.1.1', '2001:db8::5']], { tags: ['tier=db'], attributes: { compliance: 'pci' } }),
];

function codeOf(fn: () => unknown): [string, Record<string, unknown>] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return [(e as PolicyError).code, (e as PolicyError).details];
  }
  throw new Error('expected a PolicyError');
}

describe('resolveGroups', () => {
  it('resolves static workloads, vNICs and CIDRs', () => {
    const groups = [
      group('g', { workloads: ['web2', 'missing'], vnics: ['db1-eth0'], cidrs: ['192.168.0.0/24'] }),
    ];
    const g = resolveGroups(workloads, groups).get('g')!;
    expect(g.workloads).toEqual(['web2']);
    expect(g.vnics).toEqual(['web2-eth0', 'db1-eth0']);
    expect(addressSetToCidrs(g.addresses)).toEqual([
      '10.0.0.3/32',
      '10.0.1.1/32',
      '192.168.0.0/24',
      '2001:db8::5/128',
    ]);
  });

  it('resolves dynamic criteria to every vNIC and address of the matched workloads', () => {
    const groups = [group('web', {}, { field: 'tag', op: 'equals', value: 'tier=web' })];
    const g = resolveGroups(workloads, groups).get('web')!;
    expect(g.workloads).toEqual(['web1', 'web2']);
    expect(g.vnics).toEqual(['web1-eth0', 'web1-eth1', 'web2-eth0']);
    expect(addressSetToCidrs(g.addresses)).toEqual(['10.0.0.1/32', '10.0.0.2/31', 'fd00::1/128']);
  });

  it('takes the union of static, dynamic and nested members', () => {
    const groups = [
      group(
        'all',
        { workloads: ['web2'], groups: ['pci', 'nets'] },
        { field: 'name', op: 'equals', value: 'web1' },
      ),
      group('pci', {}, { field: 'attributes.compliance', op: 'equals', value: 'pci' }),
      group('nets', { cidrs: ['10.0.0.0/31', '2001:db8::/127', '10.9.9.9'] }),
    ];
    const g = resolveGroups(workloads, groups).get('all')!;
    expect(g.workloads).toEqual(['web1', 'web2', 'db1']);
    expect(g.vnics).toHaveLength(4);
    expect(g.addresses.v4).toEqual([0x0a000000, 0x0a000003, 0x0a000101, 0x0a000101, 0x0a090909, 0x0a090909]);
    expect(addressSetToCidrs(g.addresses).slice(-3)).toEqual([
      '2001:db8::/127',
      '2001:db8::5/128',
      'fd00::1/128',
    ]);
  });

  it('merges IPv6 ranges that touch across a word boundary', () => {
    const groups = [group('v6', { cidrs: ['2001:db8::ffff:ffff', '2001:db8::1:0:0/96'] })];
    const g = resolveGroups([], groups).get('v6')!;
    expect(g.addresses.v6).toHaveLength(8);
    expect(addressSetHas(g.addresses, '2001:db8::1:0:1')).toBe(true);
    expect(addressSetHas(g.addresses, '2001:db8::ffff:fffe')).toBe(false);
  });

  it('rejects nesting cycles naming the path', () => {
    const groups = [
      group('a', { groups: ['b'] }),
      group('b', { groups: ['c'] }),
      group('c', { groups: ['a'] }),
    ];
    const [code, details] = codeOf(() => resolveGroups(workloads, groups));
    expect(code).toBe('group-cycle');
    expect(details.cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(codeOf(() => resolveGroups([], [group('self', { groups: ['self'] })]))[1].cycle).toEqual([
      'self',
      'self',
    ]);
  });

  it('rejects unknown nested groups, bad CIDRs and bad criteria', () => {
    expect(codeOf(() => resolveGroups([], [group('a', { groups: ['nope'] })]))).toEqual([
      'unknown-group',
      { group: 'a', missing: 'nope' },
    ]);
    expect(codeOf(() => resolveGroups([], [group('a', { cidrs: ['10.0.0.1/24'] })]))[0]).toBe('invalid-cidr');
    const bad = group('a', {}, { field: 'colour', op: 'equals', value: 'x' });
    expect(codeOf(() => resolveGroups([], [bad]))[1]).toMatchObject({ group: 'a', path: '$' });
    expect(codeOf(() => resolveGroups([], [], { only: ['ghost'] }))[0]).toBe('unknown-group');
  });

  it('resolves only the requested groups and their nested groups', () => {
    const groups = [
      group('a', { groups: ['b'] }),
      group('b', { workloads: ['db1'] }),
      group('x', { groups: ['x'] }),
    ];
    const out = resolveGroups(workloads, groups, { only: ['a'] });
    expect([...out.keys()]).toEqual(['a']);
    expect(out.get('a')!.workloads).toEqual(['db1']);
  });
});

describe('groupsContainingWorkload', () => {
  it('finds direct, dynamic, vNIC and nested containers', () => {
    const groups = [
      group('top', { groups: ['mid'] }),
      group('mid', { groups: ['web'] }),
      group('web', {}, { field: 'tag', op: 'equals', value: 'tier=web' }),
      group('byVnic', { vnics: ['web1-eth1'] }),
      group('other', { workloads: ['db1'] }),
    ];
    expect(groupsContainingWorkload(workloads[0]!, groups)).toEqual(['top', 'mid', 'web', 'byVnic']);
    expect(groupsContainingWorkload(workloads[2]!, groups)).toEqual(['other']);
    expect(groupsNesting(groups, 'web')).toEqual(['mid']);
  });
});

describe('resolveGroups at scale', () => {
  it('resolves 1,000 groups over 10,000 workloads', () => {
    const tenant = buildScaleTenant();
    let started = performance.now();
    const resolved = resolveGroups(tenant.workloads, tenant.groups);
    const membersMs = performance.now() - started;
    started = performance.now();
    for (const group of resolved.values()) expect(group.addresses).toBeDefined();
    const addressesMs = performance.now() - started;
    console.log(
      `resolved ${tenant.groups.length} groups over ${tenant.workloads.length} workloads: ` +
        `members ${membersMs.toFixed(1)} ms, then all address sets ${addressesMs.toFixed(1)} ms`,
    );
    expect(resolved.size).toBe(1000);

    const byId = new Map(tenant.groups.map((g) => [g.id, g]));
    const expectedWorkloads = (id: string): Set<string> => {
      const g = byId.get(id)!;
      const out = new Set(g.members.workloads);
      if (g.criteria) for (const w of tenant.workloads) if (evaluateCriteria(g.criteria, w)) out.add(w.id);
      for (const child of g.members.groups) for (const w of expectedWorkloads(child)) out.add(w);
      return out;
    };
    for (const id of ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g123', 'g600', 'g850', 'g999']) {
      const expected = expectedWorkloads(id);
      const got = resolved.get(id)!;
      expect(new Set(got.workloads), id).toEqual(expected);
      for (const w of tenant.workloads) {
        if (!expected.has(w.id)) continue;
        for (const vnic of w.vnics) {
          expect(got.vnics).toContain(vnic.id);
          for (const ip of vnic.ips) expect(addressSetHas(got.addresses, ip), `${id} ${ip}`).toBe(true);
        }
      }
    }
    const dynamicOnly = resolved.get('g0')!;
    const members = new Set(dynamicOnly.workloads);
    const outsider = tenant.workloads.find((w) => !members.has(w.id))!;
    expect(addressSetHas(dynamicOnly.addresses, outsider.vnics[0]!.ips[0]!)).toBe(false);
  });
});
