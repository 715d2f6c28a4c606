export const CATEGORIES = ['emergency', 'infrastructure', 'environment', 'application'] as const;
export type Category = (typeof CATEGORIES)[number];

export const ACTIONS = ['allow', 'drop', 'reject', 'jumpToApplication'] as const;
export type RuleAction = (typeof ACTIONS)[number];

export const DIRECTIONS = ['in', 'out', 'inout'] as const;
export type RuleDirection = (typeof DIRECTIONS)[number];

export const CRITERIA_FIELDS = ['name', 'os', 'user', 'hypervisor', 'tag'] as const;
export const CRITERIA_OPS = [
  'equals',
  'notEquals',
  'startsWith',
  'endsWith',
  'contains',
  'in',
  'exists',
  'notExists',
] as const;
export type CriteriaOp = (typeof CRITERIA_OPS)[number];

export interface Vnic {
  id: string;
  mac?: string | undefined;
  ips: string[];
}

export interface Workload {
  id: string;
  name: string;
  hypervisor: string;
  vnics: Vnic[];
  os?: string | undefined;
  user?: string | undefined;
  tags: string[];
  attributes: Record<string, string>;
}

/** `field` is one of CRITERIA_FIELDS or `attributes.<key>`. */
export interface Condition {
  field: string;
  op: CriteriaOp;
  value?: string | string[] | undefined;
}

export type Criteria = { all: Criteria[] } | { any: Criteria[] } | { not: Criteria } | Condition;

export interface GroupMembers {
  workloads: string[];
  vnics: string[];
  cidrs: string[];
  groups: string[];
}

export interface Group {
  id: string;
  name?: string | undefined;
  members: GroupMembers;
  criteria?: Criteria | undefined;
  app?: string | undefined;
}

/** `ports` / `sourcePorts`: "80,443,8000-8080". ICMP type/code only for icmp/icmpv6. */
export interface ServiceEntry {
  proto: string | number;
  ports?: string | undefined;
  sourcePorts?: string | undefined;
  icmpType?: number | undefined;
  icmpCode?: number | undefined;
}

export interface Service {
  id: string;
  name?: string | undefined;
  entries: ServiceEntry[];
  app?: string | undefined;
}

export type Peer = 'any' | { groups: string[]; cidrs: string[]; negate: boolean };

export interface Rule {
  id: string;
  sources: Peer;
  destinations: Peer;
  /** service ids or inline entries; empty = any */
  services: (string | ServiceEntry)[];
  /** group ids; empty = the policy's appliedTo, else everywhere */
  appliedTo: string[];
  direction: RuleDirection;
  action: RuleAction;
  log: boolean;
  disabled: boolean;
  notes?: string | undefined;
}

export interface Policy {
  id: string;
  name?: string | undefined;
  category: Category;
  priority: number;
  stateful: boolean;
  tcpStrict: boolean;
  appliedTo: string[];
  app?: string | undefined;
  rules: Rule[];
}

/** Seconds, Linux nf_conntrack defaults (see src/dataplane/conntrack). */
export interface ConntrackTimeouts {
  tcpSynSent: number;
  tcpSynRecv: number;
  tcpEstablished: number;
  tcpFinWait: number;
  tcpCloseWait: number;
  tcpLastAck: number;
  tcpTimeWait: number;
  tcpClose: number;
  udpUnreplied: number;
  udpAssured: number;
  icmp: number;
}

export interface TenantSettings {
  defaultAction: 'allow' | 'drop';
  spoofGuard: boolean;
  revalidateOnChange: boolean;
  timeouts: Partial<ConntrackTimeouts>;
}

export interface Tenant {
  id: string;
  name: string;
  settings: TenantSettings;
  revision: number;
}

/** Everything of one tenant the compiler and group resolution need; plain data. */
export interface TenantPolicyState {
  tenant: string;
  revision: number;
  settings: TenantSettings;
  workloads: Workload[];
  groups: Group[];
  services: Service[];
  policies: Policy[];
}
