import { BitVectorClasses, bitHash } from './bit-vector-classes.js';
import { ClassifierError } from './classifier-error.js';

/** Inclusive segments [lo, last] on an integer axis below 2^32, covering bits [bitLo, bitLo + bitCount). */
export class Segments {
  readonly lo: number[] = [];
  readonly last: number[] = [];
  readonly bitLo: number[] = [];
  readonly bitCount: number[] = [];

  add(lo: number, last: number, bitLo: number, bitCount: number): void {
    this.lo.push(lo);
    this.last.push(last);
    this.bitLo.push(bitLo);
    this.bitCount.push(bitCount);
  }
}

/** Elementary intervals: interval k covers [starts[k], starts[k+1]) and maps to class classes[k]. */
export interface IntervalMap {
  starts: number[];
  classes: number[];
}

/** A bit vector being edited, with its summary and XOR hash kept up to date. */
class LiveVector {
  readonly vector: Int32Array;
  readonly summary: Int32Array;
  hash = 0;

  constructor(store: BitVectorClasses) {
    this.vector = new Int32Array(store.words);
    this.summary = new Int32Array(store.summaryWords);
  }

  toggle(bitLo: number, bitCount: number): void {
    for (let b = bitLo; b < bitLo + bitCount; b++) {
      const w = b >>> 5;
      const word = (this.vector[w]! ^= 1 << (b & 31));
      if (word === 0) this.summary[w >>> 5]! &= ~(1 << (w & 31));
      else this.summary[w >>> 5]! |= 1 << (w & 31);
      this.hash ^= bitHash(b);
    }
  }

  flip(groups: BitGroups, g: number): void {
    const { word, mask } = groups;
    for (let k = groups.from[g]!; k < groups.from[g + 1]!; k++) {
      const w = word[k]!;
      const x = (this.vector[w]! ^= mask[k]!);
      if (x === 0) this.summary[w >>> 5]! &= ~(1 << (w & 31));
      else this.summary[w >>> 5]! |= 1 << (w & 31);
    }
    this.hash ^= groups.hash[g]!;
  }
}

/**
 * Sets of sub-rule bits that always toggle together (the rules sharing one address set), each kept as
 * (word, mask) pairs and the XOR of its bits' hashes, so that a boundary of a set shared by many rules
 * costs one event and a few word XORs instead of one event per rule.
 */
export class BitGroups {
  /** group g flips mask[k] into vector word word[k] for k in [from[g], from[g + 1]) */
  readonly word: number[] = [];
  readonly mask: number[] = [];
  readonly from: number[] = [0];
  readonly hash: number[] = [];

  /** Adds a group of the bit runs [runs[i], runs[i] + runs[i + 1]) (disjoint), returns its id. */
  add(runs: readonly number[]): number {
    let hash = 0;
    let w = -1;
    let m = 0;
    for (let i = 0; i < runs.length; i += 2) {
      for (let b = runs[i]!; b < runs[i]! + runs[i + 1]!; b++) {
        hash ^= bitHash(b);
        if (b >>> 5 !== w) {
          if (m !== 0) this.#push(w, m);
          w = b >>> 5;
          m = 0;
        }
        m |= 1 << (b & 31);
      }
    }
    if (m !== 0) this.#push(w, m);
    this.from.push(this.word.length);
    this.hash.push(hash);
    return this.hash.length - 1;
  }

  #push(w: number, m: number): void {
    this.word.push(w);
    this.mask.push(m);
  }
}

/** Inclusive segments [lo, last] below 2^32, each toggling one BitGroups group; a group's must not overlap. */
export class GroupSegments {
  readonly lo: number[] = [];
  readonly last: number[] = [];
  readonly group: number[] = [];

  add(lo: number, last: number, group: number): void {
    this.lo.push(lo);
    this.last.push(last);
    this.group.push(group);
  }
}

/** segments in one field at most, so that pathological inputs fail loudly */
const MAX_SEGMENTS = 2 ** 21;
const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;

/** Boundary events by coordinate: event e toggles segment `segment[e]` at coordinate `at[e]`. */
interface Events {
  at: Uint32Array;
  segment: Int32Array;
  count: number;
}

/**
 * Boundary events in coordinate order (a segment toggles at `lo` and after `last`; ends at domainEnd are
 * dropped), by an LSD radix sort on 11-bit digits: a few linear passes, where a comparison sort of the
 * 10^5 events of a large rule set's address field took most of its sweep.
 */
function sortedEvents(segs: { lo: number[]; last: number[] }, domainEnd: number): Events {
  const n = segs.lo.length;
  if (n >= MAX_SEGMENTS) throw new ClassifierError('too-complex', `${n} ranges in one field`);
  let at = new Uint32Array(2 * n);
  let segment = new Int32Array(2 * n);
  let count = 0;
  for (let k = 0; k < n; k++) {
    at[count] = segs.lo[k]!;
    segment[count++] = k;
    const end = segs.last[k]! + 1;
    if (end < domainEnd) {
      at[count] = end;
      segment[count++] = k;
    }
  }
  let spareAt = new Uint32Array(count);
  let spareSegment = new Int32Array(count);
  const counts = new Int32Array(DIGITS);
  for (let shift = 0; shift < 32 && 2 ** shift < domainEnd; shift += DIGIT_BITS) {
    counts.fill(0);
    for (let e = 0; e < count; e++) counts[(at[e]! >>> shift) & (DIGITS - 1)]!++;
    // one digit for all: this pass would keep the order
    if (counts[(at[0]! >>> shift) & (DIGITS - 1)] === count) continue;
    for (let d = 0, sum = 0; d < DIGITS; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let e = 0; e < count; e++) {
      const p = counts[(at[e]! >>> shift) & (DIGITS - 1)]!++;
      spareAt[p] = at[e]!;
      spareSegment[p] = segment[e]!;
    }
    [at, spareAt] = [spareAt, at];
    [segment, spareSegment] = [spareSegment, segment];
  }
  return { at, segment, count };
}

/**
 * Sweeps segment boundaries over [0, domainEnd) and interns the set of covering segments' bits for each
 * elementary interval. Segments with the same bits must not overlap (ranges are merged beforehand), so
 * toggling a segment's bits at `lo` and after `last` tracks coverage exactly, in any order within one
 * coordinate. Adjacent intervals with equal classes are merged.
 */
export function sweepIntervals(segs: Segments, domainEnd: number, store: BitVectorClasses): IntervalMap {
  return sweep(segs, domainEnd, store, (live, k) => live.toggle(segs.bitLo[k]!, segs.bitCount[k]!));
}

/** sweepIntervals over segments that toggle groups of bits; the same classes as one segment per bit run. */
export function sweepGroups(
  segs: GroupSegments,
  groups: BitGroups,
  domainEnd: number,
  store: BitVectorClasses,
): IntervalMap {
  return sweep(segs, domainEnd, store, (live, k) => live.flip(groups, segs.group[k]!));
}

function sweep(
  segs: { lo: number[]; last: number[] },
  domainEnd: number,
  store: BitVectorClasses,
  toggle: (live: LiveVector, segment: number) => void,
): IntervalMap {
  const { at: coordinates, segment, count } = sortedEvents(segs, domainEnd);
  const live = new LiveVector(store);
  const starts = [0];
  const classes = [store.intern(live.vector, live.hash, live.summary)];
  for (let e = 0; e < count;) {
    const at = coordinates[e]!;
    for (; e < count && coordinates[e] === at; e++) toggle(live, segment[e]!);
    const cls = store.intern(live.vector, live.hash, live.summary);
    if (at === 0) classes[0] = cls;
    else if (cls !== classes[classes.length - 1]) {
      starts.push(at);
      classes.push(cls);
    }
  }
  return { starts, classes };
}

/** Fills a direct lookup table of `domainEnd` (<= 65536) entries from an interval map. */
export function intervalTable(map: IntervalMap, domainEnd: number): Uint16Array {
  // class ids are below the number of intervals, so they fit in 16 bits
  const table = new Uint16Array(domainEnd);
  for (let k = 0; k < map.starts.length; k++) {
    table.fill(map.classes[k]!, map.starts[k]!, map.starts[k + 1] ?? domainEnd);
  }
  return table;
}
