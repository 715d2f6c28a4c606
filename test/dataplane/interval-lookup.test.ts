import { describe, expect, it } from 'vitest';
import { IntervalLookup } from '../../src/dataplane/classifier/interval-lookup.js';

/** Deterministic 32-bit values. */
function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
}

/** Sorted distinct interval starts beginning at 0, and a class per interval. */
function intervals(n: number, next: () => number, domainBits = 32): { starts: number[]; classes: number[] } {
  const set = new Set<number>([0]);
  while (set.size < n) set.add(next() % 2 ** domainBits);
  const starts = [...set].sort((a, b) => a - b);
  return { starts, classes: starts.map((_, k) => k % 97) };
}

function reference(starts: number[], classes: number[], x: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return classes[lo]!;
}

/** Every interval's first and last value, the values beside them, and random ones. */
function probes(starts: number[], next: () => number, max: number): number[] {
  const out = [0, max];
  for (const s of starts) out.push(s, s - 1, s + 1);
  for (let i = 0; i < 2000; i++) out.push(next() % (max + 1));
  return out.filter((x) => x >= 0 && x <= max);
}

describe('interval lookup', () => {
  it.each([
    ['a few intervals (narrow root)', 40],
    ['hundreds of scattered hosts, more blocks than the child budget', 400],
    ['thousands of intervals (wide root)', 5000],
  ])('answers as a binary search over the interval starts: %s', (_name, n) => {
    const next = lcg(n);
    const { starts, classes } = intervals(n, next);
    const lookup = new IntervalLookup(starts, classes, 32);
    for (const x of probes(starts, next, 0xffffffff))
      expect(lookup.classOf(x)).toBe(reference(starts, classes, x));
  });

  it('takes addresses as signed int32 too', () => {
    const starts = [0, 0x80000000, 0xc0a80000, 0xc0a80100, 0xffffffff];
    const lookup = new IntervalLookup(starts, [1, 2, 3, 4, 5], 32);
    expect(lookup.classOf(0xc0a80005 | 0)).toBe(3);
    expect(lookup.classOf(-1)).toBe(5);
    expect(lookup.classOf(0x7fffffff)).toBe(1);
  });

  it('serves a narrower domain', () => {
    const next = lcg(7);
    const { starts, classes } = intervals(300, next, 16);
    const lookup = new IntervalLookup(starts, classes, 16);
    for (const x of probes(starts, next, 0xffff))
      expect(lookup.classOf(x)).toBe(reference(starts, classes, x));
  });
});
