import type {
  Group,
  Peer,
  Policy,
  Rule,
  Service,
  TenantPolicyState,
  Workload,
} from '../../src/policy/types.js';
import { CATEGORIES } from '../../src/policy/types.js';
import { random } from '../policy/scale-fixture.js';

const TIERS = ['web', 'app', 'db', 'mgmt'];
export const EXTERNAL_V4 = ['192.0.2.10', '192.0.2.200', '198.51.100.7'];
export const EXTERNAL_V6 = ['2001:db8::10', '2001:db8:1::7'];

/**
 * A seeded random tenant over `hypervisors` hypervisors: workloads with IPv4 and IPv6 addresses, groups by
 * criteria, static members, CIDRs and nesting, and policies in all four categories with every action
 * (jumpToApplication included), negation, appliedTo, directions, disabled rules, stateless and tcpStrict.
 */
export function randomTenant(seed: number, hypervisors = 3, nWorkloads = 24): TenantPolicyState {
  const rand = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const chance = (p: number) => rand() < p;
  const workloads: Workload[] = [];
  for (let i = 0; i < nWorkloads; i++) {
    const h = i % hypervisors;
    const vnics = [
      { id: `w${i}-eth0`, ips: [`10.0.${h}.${i + 1}`, ...(i % 3 ? [`fd00::${h}:${i + 1}`] : [])] },
    ];
    if (i % 5 === 0) vnics.push({ id: `w${i}-eth1`, ips: [`fd01::${i + 1}`, `172.16.0.${i + 1}`] });
    workloads.push({
      id: `w${i}`,
      name: `${TIERS[i % 4]}-${i}`,
      hypervisor: `hv-${h}`,
      vnics,
      os: i % 2 ? 'linux' : 'windows',
      tags: [`tier=${TIERS[i % 4]}`, `env=${i % 3 ? 'prod' : 'dev'}`, ...(i % 7 === 0 ? ['pci'] : [])],
      attributes: i % 4 === 0 ? { owner: 'ops' } : {},
    });
  }
  const none = { workloads: [], vnics: [], cidrs: [], groups: [] };
  const groups: Group[] = [
    ...TIERS.map((t) => ({
      id: t,
      members: none,
      criteria: { field: 'tag', op: 'equals', value: `tier=${t}` } as const,
    })),
    {
      id: 'prod',
      members: none,
      criteria: {
        all: [
          { field: 'tag', op: 'equals', value: 'env=prod' },
          { not: { field: 'tag', op: 'exists', value: 'pci' } },
        ],
      },
    },
    {
      id: 'ops',
      members: none,
      criteria: {
        any: [
          { field: 'attributes.owner', op: 'equals', value: 'ops' },
          { field: 'os', op: 'equals', value: 'plan9' },
        ],
      },
    },
    { id: 'picked', members: { ...none, workloads: ['w1', 'w5', 'w9'], vnics: ['w10-eth1'] } },
    { id: 'outside', members: { ...none, cidrs: ['192.0.2.0/25', '2001:db8::/64'] } },
    { id: 'nested', members: { ...none, groups: ['db', 'picked'] } },
  ];
  const groupIds = groups.map((g) => g.id);
  const services: Service[] = [
    { id: 'web', entries: [{ proto: 'tcp', ports: '80,443' }] },
    {
      id: 'dns',
      entries: [
        { proto: 'udp', ports: '53' },
        { proto: 'tcp', ports: '53' },
      ],
    },
    { id: 'high', entries: [{ proto: 'tcp', ports: '8000-8100', sourcePorts: '1024-65535' }] },
    { id: 'nothing', entries: [] },
  ];
  const serviceChoices: Rule['services'][] = [
    [],
    [],
    ['web'],
    ['dns'],
    ['high'],
    ['nothing'],
    ['icmp-echo'],
    ['ssh', 'web'],
    [{ proto: 'icmp' }],
    [{ proto: 47 }],
    [{ proto: 'udp', ports: '5000-6000' }],
    [{ proto: 'icmpv6', icmpType: 128 }],
  ];
  const peer = (): Peer =>
    chance(0.3)
      ? 'any'
      : {
          groups: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => pick(groupIds)),
          cidrs: chance(0.3) ? [pick(['10.0.1.0/24', 'fd00::/16', '172.16.0.0/24', '198.51.100.0/24'])] : [],
          negate: chance(0.2),
        };
  const policies: Policy[] = [];
  for (let p = 0; p < 10; p++) {
    const category = CATEGORIES[p % 4]!;
    const rules: Rule[] = [];
    for (let r = 0, n = 3 + Math.floor(rand() * 6); r < n; r++) {
      const roll = rand();
      const action: Rule['action'] =
        roll < 0.4 ? 'allow' : roll < 0.62 ? 'drop' : roll < 0.78 ? 'reject' : 'jumpToApplication';
      rules.push({
        id: `p${p}r${r}`,
        sources: peer(),
        destinations: peer(),
        services: pick(serviceChoices),
        appliedTo: chance(0.2) ? [pick(groupIds)] : [],
        direction: pick(['in', 'out', 'inout', 'inout'] as const),
        action,
        log: chance(0.5),
        disabled: chance(0.1),
      });
    }
    policies.push({
      id: `p${p}`,
      category,
      priority: Math.floor(rand() * 5),
      stateful: chance(0.8),
      tcpStrict: chance(0.3),
      appliedTo: chance(0.15) ? [pick(groupIds)] : [],
      rules,
    });
  }
  return {
    tenant: 't',
    revision: 5,
    settings: {
      defaultAction: chance(0.5) ? 'drop' : 'allow',
      spoofGuard: chance(0.5),
      revalidateOnChange: false,
      timeouts: {},
    },
    workloads,
    groups,
    services,
    policies,
  };
}
