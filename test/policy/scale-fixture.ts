import type { Criteria, Group, Policy, Rule, Workload } from '../../src/policy/types.js';

/** A deterministic large tenant: 10k workloads, 1k groups (half dynamic, some nested), optional policies. */
export interface ScaleTenant {
  workloads: Workload[];
  groups: Group[];
  policies: Policy[];
}

const TIERS = ['web', 'app', 'db', 'cache', 'queue', 'lb', 'batch', 'mgmt'];
const ENVS = ['prod', 'stage', 'dev'];

export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildScaleTenant(
  options: { workloads?: number; groups?: number; rules?: number } = {},
): ScaleTenant {
  const rand = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const nWorkloads = options.workloads ?? 10_000;
  const nGroups = options.groups ?? 1_000;

  const workloads: Workload[] = [];
  for (let i = 0; i < nWorkloads; i++) {
    const tier = TIERS[i % TIERS.length]!;
    const app = `app${i % 100}`;
    const env = ENVS[i % 3]!;
    const vnics = [{ id: `w${i}-eth0`, ips: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] }];
    if (i % 2 === 0) vnics.push({ id: `w${i}-eth1`, ips: [`fd00::${i.toString(16)}`] });
    if (i % 7 === 0)
      vnics.push({ id: `w${i}-eth2`, ips: [`172.16.${(i >> 8) & 255}.${i & 255}`, `fd01::${i}`] });
    workloads.push({
      id: `w${i}`,
      name: `${tier}-${app}-${i}`,
      hypervisor: `hv-${i % 50}`,
      vnics: vnics.slice(0, 2),
      os: i % 4 === 0 ? 'windows' : 'linux',
      tags: [`tier=${tier}`, `app=${app}`, `env=${env}`, ...(i % 10 === 0 ? ['pci'] : [])],
      attributes: { owner: `team${i % 20}`, ...(i % 13 === 0 ? { av: 'infected' } : {}) },
    });
  }

  const groups: Group[] = [];
  const dynamic = Math.floor(nGroups / 2);
  const nestedFrom = Math.floor(nGroups * 0.8);
  for (let g = 0; g < nGroups; g++) {
    const group: Group = { id: `g${g}`, members: { workloads: [], vnics: [], cidrs: [], groups: [] } };
    if (g < dynamic) {
      group.criteria = dynamicCriteria(g, pick);
    } else if (g < nestedFrom) {
      for (let k = 0; k < 20; k++) group.members.workloads.push(`w${Math.floor(rand() * nWorkloads)}`);
      for (let k = 0; k < 5; k++) group.members.vnics.push(`w${Math.floor(rand() * nWorkloads)}-eth0`);
      group.members.cidrs.push(`192.168.${g % 256}.0/24`, `2001:db8:${g.toString(16)}::/48`);
    } else {
      for (let k = 0; k < 3; k++) group.members.groups.push(`g${Math.floor(rand() * g)}`);
      if (g % 2 === 0) group.criteria = { field: 'attributes.av', op: 'equals', value: 'infected' };
    }
    groups.push(group);
  }

  const policies: Policy[] = [];
  const nRules = options.rules ?? 0;
  const categories = ['emergency', 'infrastructure', 'environment', 'application'] as const;
  for (let p = 0; p * 20 < nRules; p++) {
    const rules: Rule[] = [];
    for (let r = 0; r < 20 && p * 20 + r < nRules; r++) {
      rules.push({
        id: `p${p}-r${r}`,
        sources:
          r % 5 === 0 ? 'any' : { groups: [`g${Math.floor(rand() * nGroups)}`], cidrs: [], negate: false },
        destinations: {
          groups: [`g${Math.floor(rand() * nGroups)}`],
          cidrs: ['203.0.113.0/24'],
          negate: r % 9 === 0,
        },
        services:
          r % 3 === 0
            ? []
            : [pick(['https', 'ssh', 'dns', 'postgres']), { proto: 'tcp', ports: '8000-8080' }],
        appliedTo: r % 4 === 0 ? [`g${Math.floor(rand() * nGroups)}`] : [],
        direction: pick(['in', 'out', 'inout'] as const),
        action: pick(['allow', 'drop', 'reject'] as const),
        log: false,
        disabled: r === 19,
      });
    }
    policies.push({
      id: `p${p}`,
      category: categories[p % 4]!,
      priority: p % 17,
      stateful: true,
      tcpStrict: false,
      appliedTo: [],
      rules,
    });
  }
  return { workloads, groups, policies };
}

function dynamicCriteria(g: number, pick: <T>(list: readonly T[]) => T): Criteria {
  switch (g % 6) {
    case 0:
      return {
        all: [
          { field: 'tag', op: 'equals', value: `app=app${g % 100}` },
          { field: 'tag', op: 'equals', value: `env=${pick(ENVS)}` },
        ],
      };
    case 1:
      return { field: 'tag', op: 'in', value: [`tier=${pick(TIERS)}`, `app=app${g % 100}`] };
    case 2:
      return { field: 'name', op: 'startsWith', value: `${pick(TIERS)}-app${g % 100}-` };
    case 3:
      return {
        all: [
          { field: 'attributes.owner', op: 'equals', value: `team${g % 20}` },
          { not: { field: 'tag', op: 'exists', value: 'pci' } },
          { field: 'os', op: 'notEquals', value: 'windows' },
        ],
      };
    case 4:
      return {
        any: [
          { field: 'tag', op: 'equals', value: 'pci' },
          { field: 'name', op: 'endsWith', value: `-${g}` },
        ],
      };
    default:
      return { field: 'hypervisor', op: 'equals', value: `hv-${g % 50}` };
  }
}
