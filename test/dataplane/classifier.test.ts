import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AddressMatch, AddressSet, ServiceMatch } from '../../src/compiler/types.js';
import {
  buildClassifier,
  ClassifierError,
  type Classifier,
  type ClassifierRule,
} from '../../src/dataplane/classifier/index.js';
import {
  parseClassBenchRules,
  parseClassBenchTrace,
  parseFirstMatch,
} from '../../src/dataplane/classifier/classbench.js';
import { parseCidr, parseIPv4, parseIPv6 } from '../../src/net/ip.js';

const DATA = path.join(import.meta.dirname, '../../../shared/classbench');
const read = (name: string) => readFileSync(path.join(DATA, name), 'utf8');

// ---------- builders ----------

function set(...cidrs: string[]): AddressSet {
  const out: AddressSet = { v4: [], v6: [] };
  for (const c of cidrs) {
    const r = parseCidr(c);
    if (!r) throw new Error(`bad cidr ${c}`);
    if (r.family === 4) out.v4.push(r.lo, r.hi);
    else out.v6.push(...r.lo, ...r.hi);
  }
  return out;
}
const ANY: AddressMatch = { any: true, negate: false, set: { v4: [], v6: [] } };
const inSet = (...cidrs: string[]): AddressMatch => ({ any: false, negate: false, set: set(...cidrs) });
const notIn = (...cidrs: string[]): AddressMatch => ({ any: false, negate: true, set: set(...cidrs) });
const svc = (proto: number, sport: number[] = [], dport: number[] = []): ServiceMatch => ({
  proto,
  sport,
  dport,
});
const rule = (src: AddressMatch, dst: AddressMatch, ...services: ServiceMatch[]): ClassifierRule => ({
  src,
  dst,
  services,
});
const ip4 = (text: string) => parseIPv4(text)!;
const ip6 = (text: string) => parseIPv6(text)!;
const TCP = 6;
const UDP = 17;
const ICMP = 1;

function match4(c: Classifier, src: string, dst: string, proto: number, sport: number, dport: number) {
  return c.match4(ip4(src), ip4(dst), proto, sport, dport);
}
function match6(c: Classifier, src: string, dst: string, proto: number, sport: number, dport: number) {
  return c.match6(ip6(src), 0, ip6(dst), 0, proto, sport, dport);
}

// ---------- linear reference ----------

const inRanges = (list: readonly number[], x: number) => {
  for (let i = 0; i < list.length; i += 2) if (x >= list[i]! && x <= list[i + 1]!) return true;
  return false;
};
const big = (w: ArrayLike<number>, off: number) => {
  let v = 0n;
  for (let i = 0; i < 4; i++) v = (v << 32n) | BigInt(w[off + i]! >>> 0);
  return v;
};
function addressMatches(m: AddressMatch, v4: number | null, v6: bigint | null): boolean {
  if (m.any) return true;
  let inside = false;
  if (v4 !== null) inside = inRanges(m.set.v4, v4);
  else
    for (let i = 0; i < m.set.v6.length; i += 8)
      inside ||= v6! >= big(m.set.v6, i) && v6! <= big(m.set.v6, i + 4);
  return inside !== m.negate;
}
function serviceMatches(s: readonly ServiceMatch[], proto: number, sport: number, dport: number): boolean {
  if (s.length === 0) return true;
  return s.some(
    (e) =>
      (e.proto === -1 || e.proto === proto) &&
      (e.sport.length === 0 || inRanges(e.sport, sport)) &&
      (e.dport.length === 0 || inRanges(e.dport, dport)),
  );
}
function reference4(
  rules: readonly ClassifierRule[],
  src: number,
  dst: number,
  p: number,
  sp: number,
  dp: number,
) {
  return rules.findIndex(
    (r) =>
      addressMatches(r.src, src, null) &&
      addressMatches(r.dst, dst, null) &&
      serviceMatches(r.services, p, sp, dp),
  );
}
function reference6(
  rules: readonly ClassifierRule[],
  src: bigint,
  dst: bigint,
  p: number,
  sp: number,
  dp: number,
) {
  return rules.findIndex(
    (r) =>
      addressMatches(r.src, null, src) &&
      addressMatches(r.dst, null, dst) &&
      serviceMatches(r.services, p, sp, dp),
  );
}

// ---------- tests ----------

describe('classifier on ClassBench', () => {
  for (const name of ['acl1_1k', 'acl3_10k']) {
    it(`${name}: every trace line equals the first-match oracle`, () => {
      const c = buildClassifier(parseClassBenchRules(read(name)));
      const trace = parseClassBenchTrace(read(`${name}_trace`));
      const oracle = parseFirstMatch(read(`${name}_trace.firstmatch`));
      expect(trace.length).toBe(oracle.length);
      const mismatches: number[] = [];
      for (let i = 0; i < trace.length; i++) {
        const got = c.match4(trace.src[i]!, trace.dst[i]!, trace.proto[i]!, trace.sport[i]!, trace.dport[i]!);
        if (got !== oracle[i]) mismatches.push(i);
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
    });
  }

  it('parses protocols and ports as the README says', () => {
    const rules = parseClassBenchRules(
      '@10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000\t\n' +
        '@1.2.3.4/32\t5.6.7.8/32\t1 : 2\t3 : 4\t0x01/0xFF\t0x0000/0x0000\t\n' +
        '@0.0.0.0/0\t0.0.0.0/0\t1 : 2\t3 : 4\t0x00/0x00\t0x0000/0x0000\t\n',
    );
    expect(rules[0]).toEqual(rule(inSet('10.0.0.0/8'), inSet('0.0.0.0/0'), svc(TCP, [], [80, 80])));
    expect(rules[1]!.services).toEqual([svc(ICMP)]);
    expect(rules[2]!.services).toEqual([svc(-1)]);
    expect(() => parseClassBenchRules('@1.2.3.4/33\t0.0.0.0/0\t0 : 1\t0 : 1\t0x00/0x00\t\n')).toThrow(
      ClassifierError,
    );
  });
});

describe('classifier semantics', () => {
  it('returns -1 for an empty rule list', () => {
    const c = buildClassifier([]);
    expect(c.size).toBe(0);
    expect(match4(c, '1.2.3.4', '5.6.7.8', TCP, 1, 2)).toBe(-1);
    expect(match6(c, '::1', '::2', TCP, 1, 2)).toBe(-1);
  });

  it('first match wins over later rules', () => {
    const c = buildClassifier([
      rule(inSet('10.0.0.0/8'), ANY, svc(TCP, [], [443, 443])),
      rule(inSet('10.1.0.0/16'), ANY),
      rule(ANY, ANY),
    ]);
    expect(match4(c, '10.1.2.3', '8.8.8.8', TCP, 5000, 443)).toBe(0);
    expect(match4(c, '10.1.2.3', '8.8.8.8', TCP, 5000, 80)).toBe(1);
    expect(match4(c, '11.1.2.3', '8.8.8.8', TCP, 5000, 443)).toBe(2);
  });

  it('negated source matches everything outside the set', () => {
    const c = buildClassifier([rule(notIn('10.0.0.0/8', '192.168.1.0/24'), inSet('1.1.1.1'))]);
    expect(match4(c, '10.200.0.1', '1.1.1.1', UDP, 1, 1)).toBe(-1);
    expect(match4(c, '192.168.1.255', '1.1.1.1', UDP, 1, 1)).toBe(-1);
    expect(match4(c, '192.168.2.0', '1.1.1.1', UDP, 1, 1)).toBe(0);
    expect(match4(c, '0.0.0.0', '1.1.1.1', UDP, 1, 1)).toBe(0);
    expect(match4(c, '255.255.255.255', '1.1.1.1', UDP, 1, 1)).toBe(0);
    expect(match4(c, '9.255.255.255', '1.1.1.2', UDP, 1, 1)).toBe(-1);
    expect(match6(c, '2001:db8::1', '::1', UDP, 1, 1)).toBe(-1); // dst has no v6 addresses
  });

  it('matches when any of several service entries matches', () => {
    const c = buildClassifier([
      rule(
        ANY,
        ANY,
        svc(TCP, [], [80, 80, 443, 443]),
        svc(UDP, [], [53, 53]),
        svc(TCP, [1024, 65535], [22, 22]),
      ),
    ]);
    expect(match4(c, '1.1.1.1', '2.2.2.2', TCP, 40000, 443)).toBe(0);
    expect(match4(c, '1.1.1.1', '2.2.2.2', UDP, 40000, 53)).toBe(0);
    expect(match4(c, '1.1.1.1', '2.2.2.2', TCP, 40000, 53)).toBe(-1);
    expect(match4(c, '1.1.1.1', '2.2.2.2', UDP, 40000, 443)).toBe(-1);
    expect(match4(c, '1.1.1.1', '2.2.2.2', TCP, 1024, 22)).toBe(0);
    expect(match4(c, '1.1.1.1', '2.2.2.2', TCP, 1023, 22)).toBe(-1);
  });

  it('matches ICMP type and code through sport and dport', () => {
    const c = buildClassifier([
      rule(ANY, ANY, svc(ICMP, [8, 8], [0, 0])),
      rule(ANY, ANY, svc(ICMP, [3, 3], [0, 4])),
    ]);
    expect(match4(c, '1.1.1.1', '2.2.2.2', ICMP, 8, 0)).toBe(0);
    expect(match4(c, '1.1.1.1', '2.2.2.2', ICMP, 8, 1)).toBe(-1);
    expect(match4(c, '1.1.1.1', '2.2.2.2', ICMP, 3, 4)).toBe(1);
    expect(match4(c, '1.1.1.1', '2.2.2.2', ICMP, 0, 0)).toBe(-1);
    expect(match4(c, '1.1.1.1', '2.2.2.2', TCP, 8, 0)).toBe(-1);
  });

  it('proto any matches every protocol, with or without port constraints', () => {
    const c = buildClassifier([rule(ANY, ANY, svc(-1, [], [53, 53])), rule(ANY, ANY, svc(-1))]);
    expect(match4(c, '1.1.1.1', '2.2.2.2', UDP, 9, 53)).toBe(0);
    expect(match4(c, '1.1.1.1', '2.2.2.2', TCP, 9, 53)).toBe(0);
    expect(match4(c, '1.1.1.1', '2.2.2.2', 47, 0, 0)).toBe(1);
    expect(match4(c, '1.1.1.1', '2.2.2.2', 255, 65535, 65535)).toBe(1);
  });

  it('matches v6 ranges, including a /64 and a /0', () => {
    const c = buildClassifier([
      rule(inSet('2001:db8:0:1::/64'), inSet('2001:db8::53'), svc(UDP, [], [53, 53])),
      rule(inSet('::/0'), inSet('fe80::/10')),
      rule(notIn('2001:db8::/32'), ANY, svc(TCP)),
    ]);
    expect(match6(c, '2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:db8::53', UDP, 1, 53)).toBe(0);
    expect(match6(c, '2001:db8:0:1::', '2001:db8::53', UDP, 1, 53)).toBe(0);
    expect(match6(c, '2001:db8:0:2::', '2001:db8::53', UDP, 1, 53)).toBe(-1);
    expect(match6(c, '2001:db8:0:0:ffff:ffff:ffff:ffff', '2001:db8::53', UDP, 1, 53)).toBe(-1);
    expect(match6(c, '::', 'febf:ffff::1', TCP, 1, 2)).toBe(1);
    expect(match6(c, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe80::', UDP, 1, 2)).toBe(1);
    expect(match6(c, '2001:db9::', 'fec0::', TCP, 1, 2)).toBe(2);
    expect(match6(c, '2001:db8:ffff::', 'fec0::', TCP, 1, 2)).toBe(-1);
    // ::/0 is a v6-only set: a v4 packet is not in it
    expect(match4(c, '1.2.3.4', '5.6.7.8', TCP, 1, 2)).toBe(2);
    // words taken at an offset, from a typed array
    const words = new Uint32Array([9, 9, ...ip6('2001:db8:0:1::7'), ...ip6('2001:db8::53')]);
    expect(c.match6(words, 2, words, 6, UDP, 1, 53)).toBe(0);
  });

  it('a v4 packet never matches a v6-only set, but matches its negation', () => {
    const c = buildClassifier([rule(inSet('2001:db8::/32'), ANY), rule(notIn('2001:db8::/32'), ANY)]);
    expect(match4(c, '1.2.3.4', '5.6.7.8', TCP, 1, 2)).toBe(1);
    expect(match6(c, '2001:db8::1', '::', TCP, 1, 2)).toBe(0);
    const v4Only = buildClassifier([rule(inSet('0.0.0.0/0'), ANY), rule(notIn('0.0.0.0/0'), ANY)]);
    expect(match4(v4Only, '1.2.3.4', '5.6.7.8', TCP, 1, 2)).toBe(0);
    expect(match6(v4Only, '::1', '::2', TCP, 1, 2)).toBe(1);
  });

  it('takes addresses as unsigned or signed 32-bit numbers', () => {
    const c = buildClassifier([rule(inSet('200.0.0.0/8'), inSet('255.255.255.255'))]);
    expect(match4(c, '200.1.2.3', '255.255.255.255', TCP, 1, 2)).toBe(0);
    expect(c.match4(ip4('200.1.2.3') | 0, -1, TCP, 1, 2)).toBe(0);
    expect(c.match4(ip4('199.1.2.3') | 0, -1, TCP, 1, 2)).toBe(-1);
  });

  it('accepts unsorted, overlapping ranges', () => {
    const c = buildClassifier([
      rule(
        { any: false, negate: true, set: { v4: [50, 60, 10, 20, 15, 30, 31, 31], v6: [] } },
        ANY,
        svc(TCP, [], [9, 9, 1, 5, 4, 8]),
      ),
    ]);
    for (const [src, expected] of [
      [9, 0],
      [10, -1],
      [31, -1],
      [32, 0],
      [49, 0],
      [60, -1],
      [61, 0],
    ] as const) {
      expect(c.match4(src, 0, TCP, 0, 7)).toBe(expected);
    }
    expect(c.match4(0, 0, TCP, 0, 10)).toBe(-1);
  });

  it('throws ClassifierError with a stable code on malformed input', () => {
    const code = (rules: unknown) => {
      try {
        buildClassifier(rules as ClassifierRule[]);
      } catch (e) {
        expect(e).toBeInstanceOf(ClassifierError);
        return (e as ClassifierError).code;
      }
      return 'no error';
    };
    expect(code([rule(ANY, ANY, svc(300))])).toBe('invalid-service');
    expect(code([rule(ANY, ANY, svc(TCP, [], [80]))])).toBe('invalid-service');
    expect(code([rule(ANY, ANY, svc(TCP, [], [90, 80]))])).toBe('invalid-service');
    expect(code([rule(ANY, ANY, svc(TCP, [], [0, 65536]))])).toBe('invalid-service');
    expect(code([rule({ any: false, negate: false, set: { v4: [1], v6: [] } }, ANY)])).toBe(
      'invalid-address-set',
    );
    expect(code([rule({ any: false, negate: false, set: { v4: [2 ** 32, 2 ** 32], v6: [] } }, ANY)])).toBe(
      'invalid-address-set',
    );
    expect(code([rule(ANY, { any: false, negate: false, set: { v4: [], v6: [1, 2, 3] } })])).toBe(
      'invalid-address-set',
    );
    expect(code([{ src: ANY, dst: ANY }])).toBe('invalid-rule');
    expect(code([rule(ANY, ANY, svc(TCP))])).toBe('no error');
  });
});

// ---------- randomized differential test ----------

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('classifier vs linear reference (randomized)', () => {
  const random = mulberry32(0x5eed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const V4_BASES = [0, 0x7fffffc0, 0x80000000, 0xffffffc0];
  const V6_HIGH = [0n, 0x20010db8n << 96n, ((1n << 32n) - 1n) << 96n];
  const v4Addr = () => pick(V4_BASES) + int(64);
  const v6Addr = () => pick(V6_HIGH) + BigInt(int(3)) * (1n << 64n) + BigInt(int(64));
  const words = (v: bigint) => [0, 1, 2, 3].map((i) => Number((v >> BigInt(96 - 32 * i)) & 0xffffffffn));
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
    if (random() < 0.15) return ANY;
    const v4: number[] = [];
    const v6: number[] = [];
    for (let k = int(4); k > 0; k--) {
      const lo = v4Addr();
      v4.push(lo, Math.min(0xffffffff, lo + int(20)));
    }
    for (let k = int(3); k > 0; k--) {
      const lo = v6Addr();
      const hi =
        random() < 0.2 ? (1n << 128n) - 1n : lo + BigInt(int(20)) * (random() < 0.3 ? 1n << 64n : 1n);
      v6.push(...words(lo), ...words(hi < 1n << 128n ? hi : (1n << 128n) - 1n));
    }
    return { any: false, negate: random() < 0.3, set: { v4, v6 } };
  }

  function randomRule(): ClassifierRule {
    const services: ServiceMatch[] = [];
    for (let k = int(4); k > 0; k--) {
      services.push(svc(pick([-1, ICMP, TCP, UDP]), random() < 0.5 ? [] : portRanges(), portRanges()));
    }
    return { src: randomMatch(), dst: randomMatch(), services };
  }

  // 1500 rules give > 1024 sub-rules, so several summary words are in play
  for (const [ruleCount, rounds] of [
    [1, 10],
    [7, 10],
    [40, 10],
    [200, 10],
    [1500, 2],
  ] as const) {
    it(`agrees with a linear scan on ${ruleCount} random rules`, () => {
      for (let round = 0; round < rounds; round++) {
        const rules = Array.from({ length: ruleCount }, randomRule);
        const c = buildClassifier(rules);
        for (let i = 0; i < 400; i++) {
          const proto = pick([0, ICMP, TCP, UDP, 47, 255]);
          const sp = port();
          const dp = port();
          const s4 = v4Addr();
          const d4 = v4Addr();
          expect(c.match4(s4, d4, proto, sp, dp), `v4 ${s4} ${d4} ${proto} ${sp} ${dp}`).toBe(
            reference4(rules, s4, d4, proto, sp, dp),
          );
          const s6 = v6Addr();
          const d6 = v6Addr();
          const buf = [...words(s6), ...words(d6)];
          expect(c.match6(buf, 0, buf, 4, proto, sp, dp), `v6 ${s6} ${d6} ${proto} ${sp} ${dp}`).toBe(
            reference6(rules, s6, d6, proto, sp, dp),
          );
        }
      }
    });
  }
});
