import { describe, expect, it } from 'vitest';
import type { AddressMatch, ServiceMatch } from '../../src/compiler/types.js';
import {
  buildClassifier,
  ClassifierError,
  type ClassifierRule,
} from '../../src/dataplane/classifier/index.js';
import { complementV6Ranges, normalizeV6Ranges, V6_MAX } from '../../src/dataplane/classifier/ranges.js';
import { complementV6, normalizeV6 } from '../../src/dataplane/classifier/ranges6.js';
import { TouchedAddresses } from '../../src/dataplane/classifier/touched-addresses.js';

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (v: bigint) => [0, 1, 2, 3].map((i) => Number((v >> BigInt(96 - 32 * i)) & 0xffffffffn));
const big = (w: ArrayLike<number>, at: number) =>
  [0, 1, 2, 3].reduce((v, i) => (v << 32n) | BigInt(w[at + i]!), 0n);
const flat = (pairs: bigint[]) => pairs.flatMap(words);

const random = mulberry32(0xadd6);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
/** bases where word carries and the ends of the space are in play */
const V6_BASES = [0n, (1n << 96n) - 4n, (1n << 64n) - 4n, 0x20010db8n << 96n, V6_MAX - 40n];
const v6Addr = () => {
  const a = pick(V6_BASES) + BigInt(int(40));
  return a > V6_MAX ? V6_MAX : a;
};
const V4_BASES = [0, 0x0a000000, 0x7ffffff0, 0xffffffd0];
const v4Addr = () => Math.min(0xffffffff, pick(V4_BASES) + int(48));

function randomV6Ranges(): bigint[] {
  const out: bigint[] = [];
  for (let k = int(6); k > 0; k--) {
    const lo = v6Addr();
    const hi = random() < 0.15 ? V6_MAX : lo + BigInt(int(6));
    out.push(lo, hi > V6_MAX ? V6_MAX : hi);
  }
  return out;
}

describe('IPv6 ranges without BigInt', () => {
  it('sorts, merges and complements as the 128-bit reference does, across word carries and both ends', () => {
    for (let round = 0; round < 3000; round++) {
      const input = flat(randomV6Ranges());
      const expected = normalizeV6Ranges(input, () => 'test');
      const got = normalizeV6(input, () => 'test');
      expect(Array.from(got), `normalize ${input}`).toEqual(flat(expected));
      expect(Array.from(complementV6(got)), `complement ${input}`).toEqual(
        flat(complementV6Ranges(expected)),
      );
    }
  });

  it('merges ranges that meet across a word carry, and only those', () => {
    for (const carry of [1n << 32n, 1n << 64n, 1n << 96n]) {
      const meeting = flat([carry, carry + 2n, carry - 3n, carry - 1n]);
      expect(Array.from(normalizeV6(meeting, () => 'test'))).toEqual(flat([carry - 3n, carry + 2n]));
      const apart = flat([carry + 1n, carry + 2n, carry - 3n, carry - 1n]);
      expect(Array.from(normalizeV6(apart, () => 'test'))).toEqual(
        flat([carry - 3n, carry - 1n, carry + 1n, carry + 2n]),
      );
    }
  });

  it('complements the empty set to everything and everything to nothing', () => {
    expect(Array.from(complementV6(new Uint32Array(0)))).toEqual(flat([0n, V6_MAX]));
    expect(Array.from(complementV6(Uint32Array.from(flat([0n, V6_MAX]))))).toEqual([]);
  });

  it('refuses malformed lists with invalid-address-set', () => {
    const code = (v6: number[]) => {
      try {
        normalizeV6(v6, () => 'rule 0 src');
        return 'no error';
      } catch (err) {
        return err instanceof ClassifierError ? err.code : String(err);
      }
    };
    expect(code([0, 0, 0, 1])).toBe('invalid-address-set');
    expect(code([...words(5n), ...words(4n)])).toBe('invalid-address-set');
    expect(code([0, 0, 0, 2 ** 32, 0, 0, 0, 2 ** 32])).toBe('invalid-address-set');
    expect(code([0, 0, 0, 1.5, 0, 0, 0, 2])).toBe('invalid-address-set');
    expect(code([...words(4n), ...words(5n)])).toBe('no error');
  });
});

function contains(m: AddressMatch, v4: number | null, v6: bigint | null): boolean {
  if (m.any) return true;
  let inside = false;
  if (v4 !== null)
    for (let i = 0; i < m.set.v4.length; i += 2) inside ||= m.set.v4[i]! <= v4 && v4 <= m.set.v4[i + 1]!;
  if (v6 !== null)
    for (let i = 0; i < m.set.v6.length; i += 8)
      inside ||= big(m.set.v6, i) <= v6 && v6 <= big(m.set.v6, i + 4);
  return inside !== m.negate;
}

const serves = (services: ServiceMatch[], p: number, dp: number) =>
  services.length === 0 ||
  services.some((s) => (s.proto === -1 || s.proto === p) && (s.dport.length === 0 || s.dport[0] === dp));

function reference(
  rules: ClassifierRule[],
  s4: number | null,
  d4: number | null,
  s6: bigint | null,
  d6: bigint | null,
  p: number,
  dp: number,
) {
  return rules.findIndex(
    (r) => contains(r.src, s4, s6) && contains(r.dst, d4, d6) && serves(r.services, p, dp),
  );
}

/**
 * Rules over a few address sets, as a policy's groups are: the same match object in many rules, equal
 * sets in distinct objects, and the same set negated; unsorted and overlapping ranges among them.
 */
function sharedSetRules(count: number): ClassifierRule[] {
  const sets = Array.from({ length: 6 }, () => {
    const v4: number[] = [];
    for (let k = int(5); k > 0; k--) {
      const lo = v4Addr();
      v4.push(lo, Math.min(0xffffffff, lo + int(6)));
    }
    return { v4, v6: flat(randomV6Ranges()) };
  });
  const matches: AddressMatch[] = [{ any: true, negate: false, set: { v4: [], v6: [] } }];
  for (const set of sets) {
    matches.push({ any: false, negate: false, set });
    matches.push({ any: false, negate: true, set });
  }
  return Array.from({ length: count }, () => {
    const m = () => {
      const chosen = pick(matches);
      // an equal set in an object of its own, as two compilations of one group give
      return random() < 0.3 && !chosen.any
        ? { ...chosen, set: { v4: chosen.set.v4.slice(), v6: chosen.set.v6.slice() } }
        : chosen;
    };
    const port = pick([22, 443]);
    const services: ServiceMatch[] =
      random() < 0.4 ? [] : [{ proto: pick([6, 17]), sport: [], dport: [port, port] }];
    return { src: m(), dst: m(), services };
  });
}

describe('classifier over rules that share address sets', () => {
  it('gives the first match of a linear scan, IPv4 and IPv6', () => {
    for (const count of [3, 30, 400]) {
      for (let round = 0; round < 4; round++) {
        const rules = sharedSetRules(count);
        const c = buildClassifier(rules);
        for (let i = 0; i < 600; i++) {
          const p = pick([6, 17]);
          const dp = pick([22, 443, 80]);
          const s4 = v4Addr();
          const d4 = v4Addr();
          expect(c.match4(s4, d4, p, 1000, dp)).toBe(reference(rules, s4, d4, null, null, p, dp));
          const s6 = v6Addr();
          const d6 = v6Addr();
          const buf = [...words(s6), ...words(d6)];
          expect(c.match6(buf, 0, buf, 4, p, 1000, dp)).toBe(reference(rules, null, null, s6, d6, p, dp));
        }
      }
    }
  });
});

describe('rules cut down to touched addresses', () => {
  it('decide every packet of those addresses as the full rules do, with fewer boundaries', () => {
    for (let round = 0; round < 6; round++) {
      const rules = sharedSetRules(200);
      const touched = new TouchedAddresses();
      const v4s = Array.from({ length: 40 }, v4Addr);
      const v6s = Array.from({ length: 40 }, v6Addr);
      for (const a of v4s) touched.add4(a);
      for (const a of v6s) touched.add6(words(a), 0);
      const cut = rules.map((r) => ({ ...r, src: touched.restrict(r.src), dst: touched.restrict(r.dst) }));
      const full = buildClassifier(rules);
      const small = buildClassifier(cut);
      // only touched addresses are left (the random sets overlap, so one may be listed twice)
      for (const r of cut)
        for (const m of [r.src, r.dst]) {
          for (let i = 0; i < m.set.v4.length; i += 2)
            for (let a = m.set.v4[i]!; a <= m.set.v4[i + 1]!; a++) expect(v4s).toContain(a);
          for (let i = 0; i < m.set.v6.length; i += 8) {
            expect(big(m.set.v6, i)).toBe(big(m.set.v6, i + 4));
            expect(v6s).toContain(big(m.set.v6, i));
          }
        }
      for (let i = 0; i < 800; i++) {
        const p = pick([6, 17]);
        const dp = pick([22, 443, 80]);
        const s4 = pick(v4s);
        const d4 = pick(v4s);
        expect(small.match4(s4, d4, p, 1, dp)).toBe(full.match4(s4, d4, p, 1, dp));
        const buf = [...words(pick(v6s)), ...words(pick(v6s))];
        expect(small.match6(buf, 0, buf, 4, p, 1, dp)).toBe(full.match6(buf, 0, buf, 4, p, 1, dp));
      }
    }
  });

  it('keep one object per input match, so equal peers still share', () => {
    const touched = new TouchedAddresses();
    touched.add4(0x0a000001);
    const m: AddressMatch = { any: false, negate: true, set: { v4: [0x0a000000, 0x0a0000ff], v6: [] } };
    expect(touched.restrict(m)).toBe(touched.restrict(m));
    expect(touched.restrict(m)).toEqual({
      any: false,
      negate: true,
      set: { v4: [0x0a000001, 0x0a000001], v6: [] },
    });
  });
});
