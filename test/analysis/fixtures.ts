import { analyseTenant, type AnalysisInput, type Finding } from '../../src/analysis/index.js';
import type {
  Group,
  Policy,
  Rule,
  ServiceEntry,
  TenantPolicyState,
  Workload,
} from '../../src/policy/types.js';

export function workload(id: string, ips: string[], tags: string[] = []): Workload {
  return { id, name: id, hypervisor: 'hv-1', vnics: [{ id: `${id}-eth0`, ips }], tags, attributes: {} };
}

export function group(
  id: string,
  members: Partial<Group['members']> = {},
  criteria?: Group['criteria'],
): Group {
  return { id, members: { workloads: [], vnics: [], cidrs: [], groups: [], ...members }, criteria };
}

export const cidrs = (...list: string[]) => ({ groups: [], cidrs: list, negate: false });
export const groups = (...list: string[]) => ({ groups: list, cidrs: [], negate: false });
export const tcp = (ports?: string): ServiceEntry => ({ proto: 'tcp', ports });
export const udp = (ports?: string): ServiceEntry => ({ proto: 'udp', ports });

export function rule(id: string, action: Rule['action'], extra: Partial<Rule> = {}): Rule {
  return {
    id,
    sources: 'any',
    destinations: 'any',
    services: [],
    appliedTo: [],
    direction: 'inout',
    action,
    log: false,
    disabled: false,
    ...extra,
  };
}

export function policy(id: string, rules: Rule[], extra: Partial<Policy> = {}): Policy {
  return {
    id,
    category: 'application',
    priority: 10,
    stateful: true,
    tcpStrict: false,
    appliedTo: [],
    rules,
    ...extra,
  };
}

export function tenant(policies: Policy[], extra: Partial<TenantPolicyState> = {}): TenantPolicyState {
  return {
    tenant: 't1',
    revision: 3,
    settings: { defaultAction: 'drop', spoofGuard: false, revalidateOnChange: false, timeouts: {} },
    workloads: [
      workload('web1', ['10.0.0.1', 'fd00::1'], ['tier=web']),
      workload('db1', ['10.0.1.1'], ['tier=db']),
    ],
    groups: [
      group('web', {}, { field: 'tag', op: 'equals', value: 'tier=web' }),
      group('db', {}, { field: 'tag', op: 'equals', value: 'tier=db' }),
      group('nobody', {}, { field: 'tag', op: 'equals', value: 'tier=none' }),
    ],
    services: [],
    policies,
    ...extra,
  };
}

export function analyse(state: TenantPolicyState, extra: Partial<AnalysisInput> = {}): Finding[] {
  return analyseTenant({ state, now: Date.parse('2026-12-01T12:00:00Z'), ...extra }).findings;
}

/** "kind rule" per finding, e.g. "shadowed p/r2". */
export const summary = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.kind} ${f.rule.policy}/${f.rule.rule}`);
