import { describe, expect, it } from 'vitest';
import { analyseTenant, compileTenantView, ruleKey } from '../../src/analysis/index.js';
import { RuleListCache } from '../../src/dataplane/processor/rule-list.js';
import type { CompiledRule } from '../../src/compiler/types.js';
import type { Category, Peer, Policy, Rule, ServiceEntry } from '../../src/policy/types.js';
import { policy, rule, tenant, workload } from './fixtures.js';

/** A small seeded generator (mulberry32), so a failure names the seed that reproduces it. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  return { next, int, pick };
}

type Random = ReturnType<typeof random>;

// rules use 10.0.0.0/29, ports 1-3 and ICMP types 0-3; one value outside each stands for all the rest
const ADDRESSES = Array.from({ length: 9 }, (_, i) => (10 << 24) + i);
const PROTOS = [6, 17, 1, 2];
const PORTS = [0, 1, 2, 3, 4];
const CIDRS = ['10.0.0.0/29', '10.0.0.0/30', '10.0.0.4/30', '10.0.0.0/31', '10.0.0.2/31', '10.0.0.6/31'];

function peer(r: Random): Peer {
  if (r.next() < 0.35) return 'any';
  const cidrs = Array.from({ length: 1 + r.int(2) }, () =>
    r.next() < 0.5 ? r.pick(CIDRS) : `10.0.0.${r.int(8)}`,
  );
  return { groups: [], cidrs, negate: r.next() < 0.15 };
}

function portRange(r: Random): string {
  const lo = 1 + r.int(3);
  const hi = lo + r.int(4 - lo);
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

function service(r: Random): ServiceEntry {
  const kind = r.int(5);
  if (kind === 0) return { proto: 'tcp', ports: portRange(r) };
  if (kind === 1)
    return { proto: 'udp', ports: portRange(r), sourcePorts: r.next() < 0.3 ? portRange(r) : undefined };
  if (kind === 2) return { proto: 'icmp', icmpType: r.next() < 0.7 ? r.int(4) : undefined };
  if (kind === 3) return { proto: 'tcp' };
  return { proto: 'any' };
}

function randomRule(r: Random, id: string): Rule {
  const services = r.next() < 0.3 ? [] : Array.from({ length: 1 + r.int(2) }, () => service(r));
  const action = r.pick(['allow', 'allow', 'drop', 'reject', 'jumpToApplication'] as const);
  const direction = r.pick(['inout', 'inout', 'in', 'out'] as const);
  return rule(id, action, { sources: peer(r), destinations: peer(r), services, direction });
}

function randomPolicies(r: Random): Policy[] {
  const categories: Category[] = ['emergency', 'environment', 'application', 'application'];
  return Array.from({ length: 1 + r.int(3) }, (_, p) =>
    policy(
      `p${p}`,
      Array.from({ length: 1 + r.int(5) }, (_, i) => randomRule(r, `r${i}`)),
      { category: r.pick(categories), priority: r.int(3), stateful: r.next() < 0.8 },
    ),
  );
}

/** the verdict a packet gets: the action, and for an allow whether it opens a flow */
const keyOf = (rules: readonly CompiledRule[], i: number, fallback: string) =>
  i < 0
    ? fallback
    : rules[i]!.action === 'allow' && !rules[i]!.stateful
      ? 'allow stateless'
      : rules[i]!.action;

/** Rules whose removal changes no packet's decision in any list, by trying every packet of the space. */
function bruteForce(rules: readonly CompiledRule[], lists: readonly (readonly number[])[], fallback: string) {
  const noEffect = new Set<number>();
  const deciders = new Set<number>();
  rules.forEach((_, i) => noEffect.add(i));
  for (const list of lists) {
    const cache = new RuleListCache(rules);
    const full = cache.listOf(list);
    const without = list.map((i) => cache.listOf(list.filter((j) => j !== i)));
    for (const s of ADDRESSES)
      for (const d of ADDRESSES)
        for (const proto of PROTOS)
          for (const sp of PORTS)
            for (const dp of PORTS) {
              const decided = full.match4(s, d, proto, sp, dp);
              deciders.add(decided);
              const key = keyOf(rules, decided, fallback);
              list.forEach((i, k) => {
                if (
                  noEffect.has(i) &&
                  keyOf(rules, without[k]!.match4(s, d, proto, sp, dp), fallback) !== key
                )
                  noEffect.delete(i);
              });
            }
  }
  return { noEffect, deciders };
}

describe('exact shadowing and redundancy against brute force', () => {
  const chunks = [1, 31, 61, 91, 121];
  it.each(chunks)(
    'reports as shadowed or redundant exactly the rules whose removal changes no decision (seeds %i+)',
    (first) => {
      for (let seed = first; seed < first + 30; seed++) {
        const r = random(seed);
        const state = tenant(randomPolicies(r), {
          workloads: [workload('w', ['10.0.0.1'])],
          groups: [],
          settings: {
            defaultAction: r.pick(['allow', 'drop'] as const),
            spoofGuard: false,
            revalidateOnChange: false,
            timeouts: {},
          },
        });
        const view = compileTenantView(state);
        const { rules, vnics } = view.ruleSet;
        const { findings } = analyseTenant({ state, view, now: 0 });
        const lists = [vnics[0]!.out, vnics[0]!.in];
        const { noEffect, deciders } = bruteForce(rules, lists, state.settings.defaultAction);
        const irrelevant = new Set(
          findings.filter((f) => f.kind === 'irrelevant').map((f) => ruleKey(f.rule.policy, f.rule.rule)),
        );
        const expected = rules
          .map((x) => ruleKey(x.policy, x.id))
          .filter((k, i) => noEffect.has(i) && !irrelevant.has(k))
          .sort();
        const reported = findings.filter((f) => f.kind === 'shadowed' || f.kind === 'redundant');
        expect(reported.map((f) => ruleKey(f.rule.policy, f.rule.rule)).sort(), `seed ${seed}`).toEqual(
          expected,
        );
        expect(reported.every((f) => f.exact)).toBe(true);
        // a rule reported never reached decides no packet
        for (const f of reported.filter((x) => x.kind === 'shadowed')) {
          const i = rules.findIndex((x) => x.policy === f.rule.policy && x.id === f.rule.rule);
          expect(deciders.has(i), `seed ${seed} ${f.rule.policy}/${f.rule.rule}`).toBe(false);
        }
      }
    },
    120_000,
  );
});
