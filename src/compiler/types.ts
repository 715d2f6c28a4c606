import type { Category, ConntrackTimeouts, RuleAction, RuleDirection } from '../policy/types.js';

/**
 * An address set as sorted, merged, inclusive ranges.
 * v4: [lo, hi, lo, hi, ...] as unsigned 32-bit numbers.
 * v6: [lo0, lo1, lo2, lo3, hi0, hi1, hi2, hi3, ...], each address as four big-endian 32-bit words.
 */
export interface AddressSet {
  v4: number[];
  v6: number[];
}

/** `any: true` matches every address of both families (negate is then false). */
export interface AddressMatch {
  any: boolean;
  negate: boolean;
  set: AddressSet;
}

/**
 * One service entry: proto -1 = any protocol. Port lists are [lo, hi, ...] inclusive; empty = any.
 * For ICMP/ICMPv6 `sport` holds the allowed ICMP types and `dport` the codes.
 */
export interface ServiceMatch {
  proto: number;
  sport: number[];
  dport: number[];
}

export interface CompiledRule {
  id: string;
  policy: string;
  category: Category;
  action: RuleAction;
  direction: RuleDirection;
  stateful: boolean;
  tcpStrict: boolean;
  log: boolean;
  src: AddressMatch;
  dst: AddressMatch;
  /** empty = any service */
  services: ServiceMatch[];
}

export interface CompiledVnic {
  /** global numeric handle of the vNIC (stable, unique across tenants) */
  handle: number;
  id: string;
  workload: string;
  /** addresses the vNIC owns (spoof guard) */
  addresses: AddressSet;
  /** indices into CompiledRuleSet.rules that apply to this vNIC for `out` / `in`, in evaluation order */
  out: number[];
  in: number[];
}

export interface CompiledRuleSet {
  tenant: string;
  hypervisor: string;
  revision: number;
  /** content hash over rules + vnics + settings (hex) */
  hash: string;
  defaultAction: 'allow' | 'drop';
  spoofGuard: boolean;
  revalidateOnChange: boolean;
  timeouts: ConntrackTimeouts;
  rules: CompiledRule[];
  vnics: CompiledVnic[];
}
