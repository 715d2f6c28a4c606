/** Rule sets as the compiler hands them to a hypervisor, for the in-process benches. */
import type { AddressMatch, CompiledRule, CompiledRuleSet, CompiledVnic } from '../src/compiler/types.js';
import { DEFAULT_TIMEOUTS } from '../src/dataplane/conntrack/index.js';

const NONE = { v4: [], v6: [] };
export const ANY_ADDRESS: AddressMatch = { any: true, negate: false, set: NONE };

/** A stateful allow of TCP going out, to `dst` on `dport` (any by default). */
export function allowTcpOut(
  id: string,
  opts: { policy?: string; dst?: AddressMatch; dport?: number[] } = {},
): CompiledRule {
  return {
    id,
    policy: opts.policy ?? 'bench',
    category: 'application',
    action: 'allow',
    direction: 'out',
    stateful: true,
    tcpStrict: false,
    log: false,
    src: ANY_ADDRESS,
    dst: opts.dst ?? ANY_ADDRESS,
    services: [{ proto: 6, sport: [], dport: opts.dport ?? [] }],
  };
}

/** A vNIC with no addresses of its own whose outbound list is `out`. */
export function benchVnic(handle: number, id: string, workload: string, out: number[]): CompiledVnic {
  return { handle, id, workload, addresses: NONE, out, in: [] };
}

/** One tenant's rules on `hypervisor`: default drop, no spoof guard, the default timeouts. */
export function benchRuleSet(
  tenant: string,
  hypervisor: string,
  rules: CompiledRule[],
  vnics: CompiledVnic[],
): CompiledRuleSet {
  return {
    tenant,
    hypervisor,
    revision: 1,
    hash: tenant,
    defaultAction: 'drop',
    spoofGuard: false,
    revalidateOnChange: false,
    timeouts: { ...DEFAULT_TIMEOUTS },
    rules,
    vnics,
  };
}
