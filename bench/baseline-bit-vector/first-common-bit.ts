import type { ClassVectors } from '../../src/dataplane/classifier/bit-vector-classes.js';

/**
 * Lowest bit set in all four class vectors, or -1. The summaries (one bit per non-zero word) are
 * intersected first so that words empty in any field are skipped without being read.
 */
export function firstCommonBit(
  a: ClassVectors,
  aClass: number,
  b: ClassVectors,
  bClass: number,
  c: ClassVectors,
  cClass: number,
  d: ClassVectors,
  dClass: number,
  words: number,
  summaryWords: number,
): number {
  const av = a.vectors;
  const bv = b.vectors;
  const cv = c.vectors;
  const dv = d.vectors;
  const as = a.summaries;
  const bs = b.summaries;
  const cs = c.summaries;
  const ds = d.summaries;
  const aBase = aClass * words;
  const bBase = bClass * words;
  const cBase = cClass * words;
  const dBase = dClass * words;
  const aSum = aClass * summaryWords;
  const bSum = bClass * summaryWords;
  const cSum = cClass * summaryWords;
  const dSum = dClass * summaryWords;
  for (let s = 0; s < summaryWords; s++) {
    let candidates = as[aSum + s]! & bs[bSum + s]! & cs[cSum + s]! & ds[dSum + s]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const common = av[aBase + w]! & bv[bBase + w]! & cv[cBase + w]! & dv[dBase + w]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
      candidates ^= lowest;
    }
  }
  return -1;
}
