import { hypervisorOf, realizerOf, type Env } from '../env.js';

/** One rule's counters summed over the hypervisors; times in ms (countersSince Infinity: held nowhere). */
export interface RuleTotals {
  policy: string;
  rule: string;
  hits: number;
  packets: number;
  bytes: number;
  sessions: number;
  lastHit: number;
  countersSince: number;
}

/** The hypervisors that hold or held the tenant's rules: where its counters and flow logs live. */
export async function tenantHypervisors(env: Env, tenant: string): Promise<string[]> {
  const state = await realizerOf(env, tenant).status();
  return state?.seen ?? [];
}

/**
 * The tenant's rule counters (of one policy, or all), summed over hypervisors: counted since the
 * earliest of them started, last hit on any of them. Keyed by `${policy}\0${rule}`.
 */
export async function tenantRuleTotals(
  env: Env,
  tenant: string,
  policy?: string,
): Promise<Map<string, RuleTotals>> {
  const perHv = await Promise.all(
    (await tenantHypervisors(env, tenant)).map((h) => hypervisorOf(env, h).ruleStats(tenant, policy)),
  );
  const totals = new Map<string, RuleTotals>();
  for (const stats of perHv)
    for (const s of stats) {
      const key = `${s.policy}\u0000${s.rule}`;
      let sum = totals.get(key);
      if (!sum) {
        sum = {
          policy: s.policy,
          rule: s.rule,
          hits: 0,
          packets: 0,
          bytes: 0,
          sessions: 0,
          lastHit: 0,
          countersSince: Infinity,
        };
        totals.set(key, sum);
      }
      sum.hits += s.hits;
      sum.packets += s.packets;
      sum.bytes += s.bytes;
      sum.sessions += s.sessions;
      sum.lastHit = Math.max(sum.lastHit, s.lastHit ?? 0);
      sum.countersSince = Math.min(sum.countersSince, s.countersSince);
    }
  return totals;
}
