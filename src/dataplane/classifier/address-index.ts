import type { AddressMatch } from '../../compiler/types.js';
import { BitVectorClasses } from './bit-vector-classes.js';
import { chunkField, type ChunkedField } from './chunked-field.js';
import { IntervalLookup } from './interval-lookup.js';
import { BitGroups, GroupSegments, sweepGroups } from './interval-sweep.js';
import { complementRanges, normalizeRanges, type FlatRanges } from './ranges.js';
import {
  compare6,
  complementV6,
  isMax6,
  normalizeV6,
  successor6,
  V6_ALL,
  type FlatRanges6,
} from './ranges6.js';

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

/** Owners grouped by equal normalized ranges, with each group's bit runs (bitLo, bitCount pairs). */
interface RangeGroup<R> {
  ranges: R;
  runs: number[];
}

function hashOf(a: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i]!, 0x01000193);
  return h;
}

function sameContent(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Groups owners by the content of their normalized ranges. The compiler gives equal peers one match
 * object, so each object is normalized once; one group (a policy group's addresses, say) often serves
 * hundreds of rules, and sweeping it once instead of once per rule is most of a large build.
 */
function groupOwners<R extends ArrayLike<number>>(
  owners: readonly AddressOwner[],
  normalize: (o: AddressOwner) => R,
): RangeGroup<R>[] {
  const byMatch = new Map<AddressMatch, RangeGroup<R>>();
  const byHash = new Map<number, RangeGroup<R>[]>();
  const groups: RangeGroup<R>[] = [];
  for (const o of owners) {
    let group = byMatch.get(o.match);
    if (!group) {
      const ranges = normalize(o);
      const hash = hashOf(ranges);
      let sameHash = byHash.get(hash);
      if (!sameHash) byHash.set(hash, (sameHash = []));
      group = sameHash.find((g) => sameContent(g.ranges, ranges));
      if (!group) {
        group = { ranges, runs: [] };
        sameHash.push(group);
        groups.push(group);
      }
      byMatch.set(o.match, group);
    }
    group.runs.push(o.bitLo, o.bitCount);
  }
  return groups;
}

/** IPv4 address -> class of the sub-rules whose address match contains it. */
export class AddressIndex4 {
  readonly field: ChunkedField;
  readonly #lookup: IntervalLookup;

  constructor(owners: readonly AddressOwner[], words: number) {
    const groups = groupOwners<FlatRanges>(owners, (o) => {
      if (o.match.any) return [0, V4_MAX];
      const own = normalizeRanges(o.match.set.v4, V4_MAX, 'invalid-address-set', () => describe(o));
      return o.match.negate ? complementRanges(own, V4_MAX) : own;
    });
    const bits = new BitGroups();
    const segs = new GroupSegments();
    for (const { ranges, runs } of groups) {
      if (ranges.length === 0) continue;
      const g = bits.add(runs);
      for (let i = 0; i < ranges.length; i += 2) segs.add(ranges[i]!, ranges[i + 1]!, g);
    }
    const store = new BitVectorClasses(words);
    const map = sweepGroups(segs, bits, V4_MAX + 1, store);
    this.#lookup = new IntervalLookup(map.starts, map.classes, 32);
    this.field = chunkField(store.finish(), store.count, words);
  }

  classOf(addr: number): number {
    return this.#lookup.classOf(addr);
  }
}

/** Distinct IPv6 addresses by open addressing on their four words; ids in order of first insertion. */
class PointTable {
  words = new Uint32Array(4 * 64);
  count = 0;
  #slots = new Int32Array(128).fill(-1);

  /** The id of the address at a[i..i+3], added if new. */
  intern(a: ArrayLike<number>, i: number): number {
    const mask = this.#slots.length - 1;
    let h = 0x811c9dc5;
    for (let w = 0; w < 4; w++) h = Math.imul(h ^ a[i + w]!, 0x01000193);
    for (let s = (h ^ (h >>> 15)) & mask; ; s = (s + 1) & mask) {
      const id = this.#slots[s]!;
      if (id < 0) {
        this.#slots[s] = this.#add(a, i);
        if (this.count * 2 > this.#slots.length) this.#rehash();
        return this.count - 1;
      }
      if (compare6(this.words, id * 4, a, i) === 0) return id;
    }
  }

  #add(a: ArrayLike<number>, i: number): number {
    if ((this.count + 1) * 4 > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    for (let w = 0; w < 4; w++) this.words[this.count * 4 + w] = a[i + w]!;
    return this.count++;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let h = 0x811c9dc5;
      for (let w = 0; w < 4; w++) h = Math.imul(h ^ this.words[id * 4 + w]!, 0x01000193);
      let s = (h ^ (h >>> 15)) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.#slots = slots;
  }
}

/**
 * Segments of `groups` on the axis of ranks among their distinct boundaries (each range's start, and the
 * address after its end unless that passes the maximum, and address 0), and those boundaries sorted, four
 * words each. Groups share most boundaries (the same workloads' addresses), so only few are sorted.
 */
function rankedSegments(groups: readonly RangeGroup<FlatRanges6>[]): {
  segs: GroupSegments;
  bits: BitGroups;
  points: Uint32Array;
  count: number;
} {
  const table = new PointTable();
  table.intern(new Uint32Array(4), 0);
  // per range: its start's point id, and its end's (the address after it) or -1 at the maximum
  const ids: Int32Array[] = [];
  const after = new Uint32Array(4);
  for (const { ranges } of groups) {
    const own = new Int32Array(ranges.length / 4);
    for (let i = 0; i < ranges.length; i += 8) {
      own[i / 4] = table.intern(ranges, i);
      if (isMax6(ranges, i + 4)) own[i / 4 + 1] = -1;
      else {
        successor6(ranges, i + 4, after, 0);
        own[i / 4 + 1] = table.intern(after, 0);
      }
    }
    ids.push(own);
  }
  const { words, count } = table;
  const order = Array.from({ length: count }, (_, k) => k);
  order.sort((a, b) => compare6(words, a * 4, words, b * 4));
  const rank = new Int32Array(count);
  const points = new Uint32Array(count * 4);
  order.forEach((id, r) => {
    rank[id] = r;
    points.set(words.subarray(id * 4, id * 4 + 4), r * 4);
  });
  const bits = new BitGroups();
  const segs = new GroupSegments();
  groups.forEach(({ runs }, k) => {
    const g = bits.add(runs);
    const own = ids[k]!;
    for (let j = 0; j < own.length; j += 2) {
      const end = own[j + 1]! < 0 ? count : rank[own[j + 1]!]!;
      segs.add(rank[own[j]!]!, end - 1, g);
    }
  });
  return { segs, bits, points, count };
}

/** IPv6 address (four big-endian words) -> class of the sub-rules whose address match contains it. */
export class AddressIndex6 {
  readonly field: ChunkedField;
  /** four words per interval start */
  #starts: Uint32Array;
  #classes: Int32Array;

  constructor(owners: readonly AddressOwner[], words: number) {
    const groups = groupOwners<FlatRanges6>(owners, (o) => {
      if (o.match.any) return V6_ALL;
      const own = normalizeV6(o.match.set.v6, () => describe(o));
      return o.match.negate ? complementV6(own) : own;
    }).filter((g) => g.ranges.length > 0);
    const { segs, bits, points, count } = rankedSegments(groups);
    const store = new BitVectorClasses(words);
    const map = sweepGroups(segs, bits, count, store);
    this.#starts = new Uint32Array(map.starts.length * 4);
    map.starts.forEach((r, k) => this.#starts.set(points.subarray(r * 4, r * 4 + 4), k * 4));
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
