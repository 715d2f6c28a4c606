import { CHUNK_SHIFT, CHUNK_WORDS, type ChunkedField } from './chunked-field.js';

const IN_CHUNK = CHUNK_WORDS - 1;

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
  filter: ChunkedField,
  chunks: number,
  summaryWords: number,
): number {
  const as = a.summaries;
  const bs = b.summaries;
  const cs = c.summaries;
  const ds = d.summaries;
  const fs = filter.summaries;
  const aSum = aClass * summaryWords;
  const aRow = aClass * chunks;
  const bSum = bClass * summaryWords;
  const bRow = bClass * chunks;
  const cSum = cClass * summaryWords;
  const cRow = cClass * chunks;
  const dSum = dClass * summaryWords;
  const dRow = dClass * chunks;
  for (let s = 0; s < summaryWords; s++) {
    const members = fs[s]!;
    if (members === 0) continue;
    let candidates = as[aSum + s]! & bs[bSum + s]! & cs[cSum + s]! & ds[dSum + s]! & members;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const g = w >>> CHUNK_SHIFT;
      const i = w & IN_CHUNK;
      const common =
        a.blocks[a.rows[aRow + g]! + i]! &
        b.blocks[b.rows[bRow + g]! + i]! &
        c.blocks[c.rows[cRow + g]! + i]! &
        d.blocks[d.rows[dRow + g]! + i]! &
        filter.blocks[filter.rows[g]! + i]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}

/** Lowest bit common to four fields (the last may be a filter, with class 0), or -1. */
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
  const as = a.summaries;
  const bs = b.summaries;
  const cs = c.summaries;
  const ds = d.summaries;
  const aSum = aClass * summaryWords;
  const aRow = aClass * chunks;
  const bSum = bClass * summaryWords;
  const bRow = bClass * chunks;
  const cSum = cClass * summaryWords;
  const cRow = cClass * chunks;
  const dSum = dClass * summaryWords;
  const dRow = dClass * chunks;
  for (let s = 0; s < summaryWords; s++) {
    let candidates = as[aSum + s]! & bs[bSum + s]! & cs[cSum + s]! & ds[dSum + s]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const g = w >>> CHUNK_SHIFT;
      const i = w & IN_CHUNK;
      const common =
        a.blocks[a.rows[aRow + g]! + i]! &
        b.blocks[b.rows[bRow + g]! + i]! &
        c.blocks[c.rows[cRow + g]! + i]! &
        d.blocks[d.rows[dRow + g]! + i]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}

/** firstCommonBit4 over three fields. */
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
  const as = a.summaries;
  const bs = b.summaries;
  const cs = c.summaries;
  const aSum = aClass * summaryWords;
  const aRow = aClass * chunks;
  const bSum = bClass * summaryWords;
  const bRow = bClass * chunks;
  const cSum = cClass * summaryWords;
  const cRow = cClass * chunks;
  for (let s = 0; s < summaryWords; s++) {
    let candidates = as[aSum + s]! & bs[bSum + s]! & cs[cSum + s]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const w = (s << 5) + 31 - Math.clz32(lowest);
      const g = w >>> CHUNK_SHIFT;
      const i = w & IN_CHUNK;
      const common =
        a.blocks[a.rows[aRow + g]! + i]! &
        b.blocks[b.rows[bRow + g]! + i]! &
        c.blocks[c.rows[cRow + g]! + i]!;
      if (common !== 0) return (w << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}
