import type { AddressMatch } from '../../src/compiler/types.js';
import { BitVectorClasses, type ClassVectors } from '../../src/dataplane/classifier/bit-vector-classes.js';
import { Segments, sweepIntervals } from '../../src/dataplane/classifier/interval-sweep.js';
import {
  complementRanges,
  complementV6Ranges,
  normalizeRanges,
  normalizeV6Ranges,
  V6_MAX,
  type FlatRanges128,
} from '../../src/dataplane/classifier/ranges.js';

const V4_MAX = 0xffffffff;
const SIGN = 0x80000000;

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
export class AddressIndex4 implements ClassVectors {
  readonly vectors: Int32Array;
  readonly summaries: Int32Array;
  /** interval starts XOR 2^31, so that signed comparison orders them as unsigned */
  #biasedStarts: Int32Array;
  #classes: Int32Array;
  /** #byTop16[t]..#byTop16[t + 1] brackets the intervals that overlap the /16 block t */
  #byTop16: Int32Array;

  constructor(owners: readonly AddressOwner[], words: number) {
    const segs = new Segments();
    for (const o of owners) {
      let ranges = o.match.any
        ? [0, V4_MAX]
        : normalizeRanges(o.match.set.v4, V4_MAX, 'invalid-address-set', () => describe(o));
      if (!o.match.any && o.match.negate) ranges = complementRanges(ranges, V4_MAX);
      for (let i = 0; i < ranges.length; i += 2) segs.add(ranges[i]!, ranges[i + 1]!, o.bitLo, o.bitCount);
    }
    const store = new BitVectorClasses(words);
    const map = sweepIntervals(segs, V4_MAX + 1, store);
    const n = map.starts.length;
    this.#biasedStarts = Int32Array.from(map.starts, (s) => (s ^ SIGN) | 0);
    this.#classes = Int32Array.from(map.classes);
    // entry t = the interval containing address t * 2^16: interval k covers the blocks whose first
    // address lies in [starts[k], starts[k + 1])
    this.#byTop16 = new Int32Array(0x10001);
    for (let k = 0; k < n; k++) {
      const firstBlock = Math.ceil(map.starts[k]! / 0x10000);
      const endBlock = k + 1 < n ? Math.ceil(map.starts[k + 1]! / 0x10000) : 0x10001;
      if (endBlock > firstBlock) this.#byTop16.fill(k, firstBlock, endBlock);
    }
    ({ vectors: this.vectors, summaries: this.summaries } = store.finish());
  }

  classOf(addr: number): number {
    const key = (addr ^ SIGN) | 0;
    const starts = this.#biasedStarts;
    let lo = this.#byTop16[addr >>> 16]!;
    let hi = this.#byTop16[(addr >>> 16) + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return this.#classes[lo]!;
  }
}

/** IPv6 address (four big-endian words) -> class of the sub-rules whose address match contains it. */
export class AddressIndex6 implements ClassVectors {
  readonly vectors: Int32Array;
  readonly summaries: Int32Array;
  /** four words per interval start */
  #starts: Uint32Array;
  #classes: Int32Array;

  constructor(owners: readonly AddressOwner[], words: number) {
    const perOwner: FlatRanges128[] = owners.map((o) => {
      if (o.match.any) return [0n, V6_MAX];
      const ranges = o.match.set.v6.length === 0 ? [] : normalizeV6Ranges(o.match.set.v6, () => describe(o));
      return o.match.negate ? complementV6Ranges(ranges) : ranges;
    });
    const points = new Set<bigint>([0n]);
    for (const ranges of perOwner) {
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
    ({ vectors: this.vectors, summaries: this.summaries } = store.finish());
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
