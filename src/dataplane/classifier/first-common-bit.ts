import { CHUNK_SHIFT, CHUNK_WORDS, GROUP } from './chunked-field.js';

const IN_CHUNK = CHUNK_WORDS - 1;

// One function per field count, so that each loop is straight-line code the JIT keeps monomorphic.
// A field is its ChunkedField data and the start of the class's row in it (class * stride); `end` is
// the row's length (the stride).

/**
 * Lowest sub-rule bit set in the classes of all five fields (the last usually a filter: a one-class
 * field of the rules that may match), or -1. The summary words are intersected first, so that words
 * empty in any field are skipped without being read; a candidate word is then read through each
 * field's block offset, which sits beside the summary word.
 */
export function firstCommonBit5(
  a: Int32Array,
  aRow: number,
  b: Int32Array,
  bRow: number,
  c: Int32Array,
  cRow: number,
  d: Int32Array,
  dRow: number,
  e: Int32Array,
  eRow: number,
  end: number,
): number {
  for (let g = 0, s = 0; g < end; g += GROUP, s += 32) {
    let candidates = a[aRow + g]! & b[bRow + g]! & c[cRow + g]! & d[dRow + g]! & e[eRow + g]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const j = 31 - Math.clz32(lowest);
      const o = g + 1 + (j >>> CHUNK_SHIFT);
      const i = j & IN_CHUNK;
      const common =
        a[a[aRow + o]! + i]! &
        b[b[bRow + o]! + i]! &
        c[c[cRow + o]! + i]! &
        d[d[dRow + o]! + i]! &
        e[e[eRow + o]! + i]!;
      if (common !== 0) return ((s + j) << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}

/** firstCommonBit5 for four fields. */
export function firstCommonBit4(
  a: Int32Array,
  aRow: number,
  b: Int32Array,
  bRow: number,
  c: Int32Array,
  cRow: number,
  d: Int32Array,
  dRow: number,
  end: number,
): number {
  for (let g = 0, s = 0; g < end; g += GROUP, s += 32) {
    let candidates = a[aRow + g]! & b[bRow + g]! & c[cRow + g]! & d[dRow + g]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const j = 31 - Math.clz32(lowest);
      const o = g + 1 + (j >>> CHUNK_SHIFT);
      const i = j & IN_CHUNK;
      const common =
        a[a[aRow + o]! + i]! & b[b[bRow + o]! + i]! & c[c[cRow + o]! + i]! & d[d[dRow + o]! + i]!;
      if (common !== 0) return ((s + j) << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}

/** firstCommonBit5 for three fields. */
export function firstCommonBit3(
  a: Int32Array,
  aRow: number,
  b: Int32Array,
  bRow: number,
  c: Int32Array,
  cRow: number,
  end: number,
): number {
  for (let g = 0, s = 0; g < end; g += GROUP, s += 32) {
    let candidates = a[aRow + g]! & b[bRow + g]! & c[cRow + g]!;
    while (candidates !== 0) {
      const lowest = candidates & -candidates;
      candidates ^= lowest;
      const j = 31 - Math.clz32(lowest);
      const o = g + 1 + (j >>> CHUNK_SHIFT);
      const i = j & IN_CHUNK;
      const common = a[a[aRow + o]! + i]! & b[b[bRow + o]! + i]! & c[c[cRow + o]! + i]!;
      if (common !== 0) return ((s + j) << 5) + 31 - Math.clz32(common & -common);
    }
  }
  return -1;
}
