import type { AddressSet, CompiledRuleSet } from '../../src/compiler/types.js';
import { DEFAULT_TIMEOUTS } from '../../src/policy/timeouts.js';

/** A synthetic compiled rule set: `rules` rules over 50 shared address sets of `setSize` numbers, 300 vNICs. */
export function bigRuleSet(rules: number, setSize: number, tenant = 't', hypervisor = 'h'): CompiledRuleSet {
  const sets: AddressSet[] = Array.from({ length: 50 }, (_, s) => ({
    v4: Array.from({ length: setSize }, (_, i) => (s << 24) + i * 4 + (i % 2)),
    v6: [],
  }));
  const list = Array.from({ length: rules }, (_, i) => i);
  const none: number[] = [];
  return {
    tenant,
    hypervisor,
    revision: 7,
    hash: 'abc',
    defaultAction: 'drop',
    spoofGuard: false,
    revalidateOnChange: false,
    timeouts: { ...DEFAULT_TIMEOUTS },
    rules: Array.from({ length: rules }, (_, i) => ({
      id: `r${i}`,
      policy: 'p',
      category: 'application',
      action: 'allow',
      direction: 'inout',
      stateful: true,
      tcpStrict: false,
      log: false,
      src: { any: false, negate: i % 3 === 0, set: sets[i % 50]! },
      dst: { any: i % 2 === 0, negate: false, set: sets[(i * 7) % 50]! },
      services: [{ proto: 6, sport: [], dport: [443, 443] }],
    })),
    vnics: Array.from({ length: 300 }, (_, v) => ({
      handle: v + 1,
      id: `v${v}`,
      workload: `w${v}`,
      addresses: { v4: [v, v], v6: [] },
      out: list,
      in: v % 2 ? list : none,
    })),
  };
}
