import type { AddressMatch } from '../../compiler/types.js';
import { BitVectorClasses } from './bit-vector-classes.js';
import { chunkField, type ChunkedField } from './chunked-field.js';
import { IntervalLookup } from './interval-lookup.js';
import { Segments, sweepIntervals } from './interval-sweep.js';
import {
  complementRanges,
  complementV6Ranges,
  normalizeRanges,
  normalizeV6Ranges,
  V6_MAX,
  type FlatRanges,
  type FlatRanges128,
} from './ranges.js';

const V4_MAX = 0xffffffff;

/** A rule's address bits: the sub-rules [bitLo, bitLo + bitCount) share the rule's address match. */
export interface AddressOwner {
  match: AddressMatch;
  bitLo: number;
  bitCount: number;
  rule: number;
  side: 'src' | 'dst';
}

const describe = (o: AddressOwner) => `rule ${o.rule} ${o.side}`;

/** IPv4 address -> class of the sub-rules whose address match contains it. */
export class AddressIndex4 {
  readonly field: ChunkedField;
  readonly #lookup: IntervalLookup;

  constructor(owners: readonly AddressOwner[], words: number) {
    const segs = new Segments();
    // the compiler gives equal peers one match object: normalize each once
    const normalized = new Map<AddressMatch, FlatRanges>();
    for (const o of owners) {
      let ranges = normalized.get(o.match);
      if (!ranges) {
        const own = o.match.any
          ? [0, V4_MAX]
          : normalizeRanges(o.match.set.v4, V4_MAX, 'invalid-address-set', () => describe(o));
        ranges = !o.match.any && o.match.negate ? complementRanges(own, V4_MAX) : own;
        normalized.set(o.match, ranges);
      }
      for (let i = 0; i < ranges.length; i += 2) segs.add(ranges[i]!, ranges[i + 1]!, o.bitLo, o.bitCount);
    }
    const store = new BitVectorClasses(words);
    const map = sweepIntervals(segs, V4_MAX + 1, store);
    this.#lookup = new IntervalLookup(map.starts, map.classes, 32);
    this.field = chunkField(store.finish(), store.count, words);
  }

  classOf(addr: number): number {
    return this.#lookup.classOf(addr);
  }
}

/** IPv6 address (four big-endian words) -> class of the sub-rules whose address match contains it. */
export class AddressIndex6 {
  readonly field: ChunkedField;
  /** four words per interval start */
  #starts: Uint32Array;
  #classes: Int32Array;

  constructor(owners: readonly AddressOwner[], words: number) {
    const normalized = new Map<AddressMatch, FlatRanges128>();
    const perOwner: FlatRanges128[] = owners.map((o) => {
      let out = normalized.get(o.match);
      if (out) return out;
      if (o.match.any) out = [0n, V6_MAX];
      else {
        const ranges =
          o.match.set.v6.length === 0 ? [] : normalizeV6Ranges(o.match.set.v6, () => describe(o));
        out = o.match.negate ? complementV6Ranges(ranges) : ranges;
      }
      normalized.set(o.match, out);
      return out;
    });
    const points = new Set<bigint>([0n]);
    for (const ranges of normalized.values()) {
      for (let i = 0; i < ranges.length; i += 2) {
        points.add(ranges[i]!);
        if (ranges[i + 1]! < V6_MAX) points.add(ranges[i + 1]! + 1n);
      }
    }
    const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(sorted.map((p, i) => [p, i]));
    const segs = new Segments();
    owners.forEach((o, r) => {
      const ranges = perOwner[r]!;
      for (let i = 0; i < ranges.length; i += 2) {
        const end = ranges[i + 1]! < V6_MAX ? rank.get(ranges[i + 1]! + 1n)! : sorted.length;
        segs.add(rank.get(ranges[i]!)!, end - 1, o.bitLo, o.bitCount);
      }
    });
    const store = new BitVectorClasses(words);
    const map = sweepIntervals(segs, sorted.length, store);
    this.#starts = new Uint32Array(map.starts.length * 4);
    map.starts.forEach((r, k) => {
      const p = sorted[r]!;
      for (let w = 0; w < 4; w++) this.#starts[k * 4 + w] = Number((p >> BigInt(96 - 32 * w)) & 0xffffffffn);
    });
    this.#classes = Int32Array.from(map.classes);
    this.field = chunkField(store.finish(), store.count, words);
  }

  classOf(words: ArrayLike<number>, off: number): number {
    const starts = this.#starts;
    const w0 = words[off]! >>> 0;
    const w1 = words[off + 1]! >>> 0;
    const w2 = words[off + 2]! >>> 0;
    const w3 = words[off + 3]! >>> 0;
    let lo = 0;
    let hi = this.#classes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const m = mid * 4;
      const startIsAbove =
        starts[m]! !== w0
          ? starts[m]! > w0
          : starts[m + 1]! !== w1
            ? starts[m + 1]! > w1
            : starts[m + 2]! !== w2
              ? starts[m + 2]! > w2
              : starts[m + 3]! > w3;
      if (startIsAbove) hi = mid - 1;
      else lo = mid;
    }
    return this.#classes[lo]!;
  }
}
