import { CHUNK_SHIFT, CHUNK_WORDS, type ChunkedField } from './chunked-field.js';

const IN_CHUNK = CHUNK_WORDS - 1;

// One function per field count, so that each loop is straight-line code the JIT keeps monomorphic.

/**
 * Lowest sub-rule bit set in the classes of all four fields and in the filter (a one-class field of
 * the rules that may match), or -1. The summaries are intersected first, so that words empty in any
 * field are skipped without being read; a candidate word is then read through each field's chunk row.
 */
export function firstCommonBit5(
  a: ChunkedField,
  aClass: number,
  b: ChunkedField,
  bClass: number,
  c: ChunkedField,
  cClass: number,
  d: ChunkedField,
  dClass: number,
  e: ChunkedField,
  chunks: number,
  summaryWords: number,
): number {
  const stride = summaryWords + chunks;
  const ar = a.rows;
  const aBase = aClass * stride;
  const br = b.rows;
  const bBase = bClass * stride;
  const cr = c.rows;
  const cBase = cClass * stride;
  const dr = d.rows;
  const dBase = dClass * stride;
  const er = e.rows;
  const eBase = 0;
  for (let s = 0; s < summaryWords; s++) {
    const members = er[eBase + s]!;
    if (members === 0) continue;
    let candidates = ar[aBase + s]! & br[bBase + s]! & cr[cBase + s]! & dr[dBase + s]! & members;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const g = summaryWords + (w >>> CHUNK_SHIFT);
      const i = w & IN_CHUNK;
      const common =
        a.blocks[ar[aBase + g]! + i]! &
        b.blocks[br[bBase + g]! + i]! &
        c.blocks[cr[cBase + g]! + i]! &
        d.blocks[dr[dBase + g]! + i]! &
        e.blocks[er[eBase + g]! + i]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}

/** firstCommonBit5 for four fields (the last may be a filter, with class 0). */
export function firstCommonBit4(
  a: ChunkedField,
  aClass: number,
  b: ChunkedField,
  bClass: number,
  c: ChunkedField,
  cClass: number,
  d: ChunkedField,
  dClass: number,
  chunks: number,
  summaryWords: number,
): number {
  const stride = summaryWords + chunks;
  const ar = a.rows;
  const aBase = aClass * stride;
  const br = b.rows;
  const bBase = bClass * stride;
  const cr = c.rows;
  const cBase = cClass * stride;
  const dr = d.rows;
  const dBase = dClass * stride;
  for (let s = 0; s < summaryWords; s++) {
    let candidates = ar[aBase + s]! & br[bBase + s]! & cr[cBase + s]! & dr[dBase + s]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const g = summaryWords + (w >>> CHUNK_SHIFT);
      const i = w & IN_CHUNK;
      const common =
        a.blocks[ar[aBase + g]! + i]! &
        b.blocks[br[bBase + g]! + i]! &
        c.blocks[cr[cBase + g]! + i]! &
        d.blocks[dr[dBase + g]! + i]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}

/** firstCommonBit5 for three fields. */
export function firstCommonBit3(
  a: ChunkedField,
  aClass: number,
  b: ChunkedField,
  bClass: number,
  c: ChunkedField,
  cClass: number,
  chunks: number,
  summaryWords: number,
): number {
  const stride = summaryWords + chunks;
  const ar = a.rows;
  const aBase = aClass * stride;
  const br = b.rows;
  const bBase = bClass * stride;
  const cr = c.rows;
  const cBase = cClass * stride;
  for (let s = 0; s < summaryWords; s++) {
    let candidates = ar[aBase + s]! & br[bBase + s]! & cr[cBase + s]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const g = summaryWords + (w >>> CHUNK_SHIFT);
      const i = w & IN_CHUNK;
      const common =
        a.blocks[ar[aBase + g]! + i]! & b.blocks[br[bBase + g]! + i]! & c.blocks[cr[cBase + g]! + i]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}
