import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AddressMatch, CompiledRule, ServiceMatch } from '../../src/compiler/types.js';
import {
  buildClassifier,
  type Classifier,
  type ClassifierRule,
} from '../../src/dataplane/classifier/index.js';
import {
  parseClassBenchRules,
  parseClassBenchTrace,
  parseFirstMatch,
} from '../../src/dataplane/classifier/classbench.js';
import { RuleListCache } from '../../src/dataplane/processor/rule-list.js';

const DATA = path.join(import.meta.dirname, '../../../shared/classbench');
const read = (name: string) => readFileSync(path.join(DATA, name), 'utf8');
const TCP = 6;
const UDP = 17;
const ICMP = 1;

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(0x5ba7ed);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const V4_BASES = [0, 0x0a000000, 0x80000000, 0xffffffc0];
const v4Addr = () => pick(V4_BASES) + int(64);
const V6_HIGH = [0, 0x20010db8, 0xfe800000];
const v6Addr = () => [pick(V6_HIGH), 0, 0, int(64)];
const port = () => (random() < 0.1 ? pick([0, 65535]) : int(24));
const portRanges = (): number[] => {
  const out: number[] = [];
  for (let k = int(3); k > 0; k--) {
    const lo = port();
    out.push(lo, Math.min(65535, lo + int(8)));
  }
  return out;
};

function randomMatch(): AddressMatch {
  if (random() < 0.15) return { any: true, negate: false, set: { v4: [], v6: [] } };
  const v4: number[] = [];
  const v6: number[] = [];
  for (let k = int(3); k > 0; k--) {
    const lo = v4Addr();
    v4.push(lo, Math.min(0xffffffff, lo + int(20)));
  }
  for (let k = int(2); k > 0; k--) {
    const lo = v6Addr();
    v6.push(...lo, lo[0]!, 0, 0, lo[3]! + int(20));
  }
  return { any: false, negate: random() < 0.2, set: { v4, v6 } };
}

function randomRule(): ClassifierRule {
  const services: ServiceMatch[] = [];
  for (let k = int(3); k > 0; k--) {
    services.push({
      proto: pick([-1, ICMP, TCP, UDP]),
      sport: random() < 0.6 ? [] : portRanges(),
      dport: portRanges(),
    });
  }
  return { src: randomMatch(), dst: randomMatch(), services };
}

const randomSubset = (n: number, density: number) =>
  Array.from({ length: n }, (_, i) => i).filter(() => random() < density);

describe('a filter over a shared classifier', () => {
  for (const ruleCount of [30, 1200]) {
    it(`gives the first match of a dedicated classifier over the subset (${ruleCount} random rules)`, () => {
      const rules = Array.from({ length: ruleCount }, randomRule);
      const shared = buildClassifier(rules);
      for (const density of [0, 0.02, 0.3, 0.9, 1]) {
        const subset = randomSubset(ruleCount, density);
        const filter = shared.filter(subset);
        expect(filter.size).toBe(subset.length);
        const dedicated = buildClassifier(subset.map((i) => rules[i]!));
        const viaDedicated = (k: number) => (k < 0 ? -1 : subset[k]!);
        for (let i = 0; i < 300; i++) {
          const proto = pick([0, ICMP, TCP, UDP, 47]);
          const sp = port();
          const dp = port();
          const s4 = v4Addr();
          const d4 = v4Addr();
          expect(shared.match4In(filter, s4, d4, proto, sp, dp), `v4 ${s4} ${d4} ${proto} ${sp} ${dp}`).toBe(
            viaDedicated(dedicated.match4(s4, d4, proto, sp, dp)),
          );
          const s6 = v6Addr();
          const d6 = v6Addr();
          expect(shared.match6In(filter, s6, 0, d6, 0, proto, sp, dp), `v6 ${s6} ${d6}`).toBe(
            viaDedicated(dedicated.match6(s6, 0, d6, 0, proto, sp, dp)),
          );
        }
      }
    });
  }

  it('agrees on every acl1_1k trace header: all rules give the oracle, a subset its dedicated classifier', () => {
    const rules = parseClassBenchRules(read('acl1_1k'));
    const trace = parseClassBenchTrace(read('acl1_1k_trace'));
    const oracle = parseFirstMatch(read('acl1_1k_trace.firstmatch'));
    const shared = buildClassifier(rules);
    const all = shared.filter(rules.map((_, i) => i));
    const subset = randomSubset(rules.length, 0.4);
    const some = shared.filter(subset);
    const dedicated = buildClassifier(subset.map((i) => rules[i]!));
    for (let i = 0; i < trace.length; i++) {
      const h = [trace.src[i]!, trace.dst[i]!, trace.proto[i]!, trace.sport[i]!, trace.dport[i]!] as const;
      expect(shared.match4In(all, ...h), `line ${i + 1}`).toBe(oracle[i]);
      const k = dedicated.match4(...h);
      expect(shared.match4In(some, ...h), `line ${i + 1}`).toBe(k < 0 ? -1 : subset[k]);
    }
  });

  it('refuses rule indices outside the classifier and filters of another classifier', () => {
    const rules = [randomRule(), randomRule()];
    const a = buildClassifier(rules);
    const b = buildClassifier(rules);
    expect(() => a.filter([2])).toThrow(RangeError);
    expect(() => a.filter([-1])).toThrow(RangeError);
    expect(() => a.filter([0.5])).toThrow(RangeError);
    expect(() => b.match4In(a.filter([0]), 1, 2, TCP, 3, 4)).toThrow(TypeError);
  });

  it('ignores duplicates and order in the indices it is given', () => {
    const rules = Array.from({ length: 50 }, randomRule);
    const c = buildClassifier(rules);
    const sorted = c.filter([3, 9, 20, 41]);
    const shuffled = c.filter([41, 9, 3, 20, 9, 3]);
    expect(shuffled.size).toBe(4);
    for (let i = 0; i < 300; i++) {
      const h = [v4Addr(), v4Addr(), pick([TCP, UDP, ICMP]), port(), port()] as const;
      expect(c.match4In(shuffled, ...h)).toBe(c.match4In(sorted, ...h));
    }
  });
});

describe('rule lists of many vNICs over one tenant rule set', () => {
  const CATEGORIES = ['emergency', 'infrastructure', 'environment', 'application'] as const;

  function compiledRules(n: number): CompiledRule[] {
    // in evaluation order, as the compiler emits them: by category, then position
    const categories = Array.from({ length: n }, () => int(4)).sort((x, y) => x - y);
    return categories.map((c, i) => ({
      ...randomRule(),
      id: `r${i}`,
      policy: 'p',
      category: CATEGORIES[c]!,
      action: c < 3 && random() < 0.15 ? 'jumpToApplication' : pick(['allow', 'drop', 'reject'] as const),
      direction: 'inout',
      stateful: true,
      tcpStrict: false,
      log: false,
    }));
  }

  /** First match in list order; a jumpToApplication match goes on with the application rules after it. */
  function reference(rules: readonly CompiledRule[], list: readonly number[], h: readonly number[]): number {
    let jumped = false;
    for (const i of list) {
      const r = rules[i]!;
      if (jumped && (r.category !== 'application' || r.action === 'jumpToApplication')) continue;
      if (singles.get(r)!.match4(h[0]!, h[1]!, h[2]!, h[3]!, h[4]!) !== 0) continue;
      if (r.action !== 'jumpToApplication') return i;
      jumped = true;
    }
    return -1;
  }
  const singles = new Map<CompiledRule, Classifier>();
  const withSingles = (rules: CompiledRule[]) => {
    for (const r of rules) singles.set(r, buildClassifier([r]));
    return rules;
  };

  it('every vNIC subset, in rule-set order, decides as a linear evaluation of its own list', () => {
    const rules = withSingles(compiledRules(120));
    const cache = new RuleListCache(rules);
    const lists = Array.from({ length: 12 }, (_, v) =>
      randomSubset(rules.length, v === 0 ? 1 : 0.05 + random() * 0.6),
    );
    lists.push([]);
    const ruleLists = lists.map((l) => cache.listOf(l));
    for (let i = 0; i < 150; i++) {
      const h = [v4Addr(), v4Addr(), pick([0, ICMP, TCP, UDP]), port(), port()] as const;
      lists.forEach((list, v) => {
        expect(ruleLists[v]!.match4(...h), `list ${v}, header ${h.join(' ')}`).toBe(
          reference(rules, list, h),
        );
      });
    }
  });

  it('a list out of rule-set order still decides in its own order', () => {
    const rules = withSingles(
      compiledRules(40).map((r) => ({ ...r, category: 'application' as const, action: 'allow' as const })),
    );
    const cache = new RuleListCache(rules);
    const list = randomSubset(rules.length, 0.7).reverse();
    const ruleList = cache.listOf(list);
    for (let i = 0; i < 300; i++) {
      const h = [v4Addr(), v4Addr(), pick([0, ICMP, TCP, UDP]), port(), port()] as const;
      expect(ruleList.match4(...h)).toBe(reference(rules, list, h));
    }
  });
});

describe('a classifier whose services are too varied to cross into one field', () => {
  it('still gives the first match, with and without a filter', () => {
    // distinct source and destination ports per rule: thousands of classes each, too many to cross
    const rules: ClassifierRule[] = Array.from({ length: 2500 }, (_, i) => ({
      src: randomMatch(),
      dst: randomMatch(),
      services: [
        { proto: pick([TCP, UDP]), sport: [i * 20, i * 20 + int(30)], dport: [i * 7, i * 7 + int(12)] },
      ],
    }));
    const c = buildClassifier(rules);
    const subset = randomSubset(rules.length, 0.5);
    const filter = c.filter(subset);
    const dedicated = buildClassifier(subset.map((i) => rules[i]!));
    const linear = (list: readonly number[], h: readonly number[]) =>
      list.find((i) => buildClassifier([rules[i]!]).match4(h[0]!, h[1]!, h[2]!, h[3]!, h[4]!) === 0) ?? -1;
    for (let n = 0; n < 60; n++) {
      const r = int(rules.length);
      const h = [v4Addr(), v4Addr(), pick([TCP, UDP]), r * 20 + int(30), r * 7 + int(12)] as const;
      const expected = linear(
        rules.map((_, i) => i).filter((i) => i >= r - 2 && i <= r + 2),
        h,
      );
      // only rules near r can match these ports, so a scan of them is the full linear reference
      expect(c.match4(...h), `header ${h.join(' ')}`).toBe(expected);
      const k = dedicated.match4(...h);
      expect(c.match4In(filter, ...h)).toBe(k < 0 ? -1 : subset[k]);
    }
  });
});
