import type { AddressSet } from '../net/address-set.js';
import type { ServiceMatch } from '../net/service-match.js';
import type { Category, ConntrackTimeouts, RuleAction, RuleDirection } from '../policy/types.js';

export type { AddressSet, ServiceMatch };

/** `any: true` matches every address of both families (negate is then false). */
export interface AddressMatch {
  any: boolean;
  negate: boolean;
  set: AddressSet;
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
