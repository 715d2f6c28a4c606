import { ClassifierError, type ClassifierErrorCode } from './classifier-error.js';

/** Inclusive ranges [lo, hi, lo, hi, ...], sorted and merged (no overlap, no adjacency). */
export type FlatRanges = readonly number[];
export type FlatRanges128 = bigint[];

export const V6_MAX = (1n << 128n) - 1n;

function sortAndMerge<T extends number | bigint>(
  pairs: [T, T][],
  isAdjacent: (hi: T, lo: T) => boolean,
): T[] {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: T[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && (lo <= out[last]! || isAdjacent(out[last]!, lo))) {
      if (hi > out[last]!) out[last] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

/** Validates integer ranges within [0, max], returns them sorted and merged; `what` names them in errors. */
export function normalizeRanges(
  flat: readonly number[],
  max: number,
  code: ClassifierErrorCode,
  what: () => string,
): FlatRanges {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) {
    throw new ClassifierError(code, `${what()}: expected an even-length [lo, hi, ...] list`);
  }
  let sortedAndMerged = true;
  for (let i = 0; i < flat.length; i += 2) {
    const lo = flat[i]!;
    const hi = flat[i + 1]!;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > max || lo > hi) {
      throw new ClassifierError(code, `${what()}: bad range ${lo}-${hi} (allowed 0-${max}, lo <= hi)`);
    }
    if (i > 0 && lo <= flat[i - 1]! + 1) sortedAndMerged = false;
  }
  if (sortedAndMerged) return flat;
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return sortAndMerge(pairs, (hi, lo) => hi + 1 === lo);
}

export function complementRanges(ranges: FlatRanges, max: number): FlatRanges {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! > next) out.push(next, ranges[i]! - 1);
    next = ranges[i + 1]! + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

function wordsToBigint(flat: readonly number[], at: number, what: () => string): bigint {
  let v = 0n;
  for (let i = 0; i < 4; i++) {
    const w = flat[at + i]!;
    if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
      throw new ClassifierError('invalid-address-set', `${what()}: bad IPv6 word ${w}`);
    }
    v = (v << 32n) | BigInt(w);
  }
  return v;
}

/** Validates v6 ranges (8 words per range) and returns them as sorted, merged 128-bit pairs. */
export function normalizeV6Ranges(flat: readonly number[], what: () => string): FlatRanges128 {
  if (!Array.isArray(flat) || flat.length % 8 !== 0) {
    throw new ClassifierError('invalid-address-set', `${what()}: v6 list length must be a multiple of 8`);
  }
  const pairs: [bigint, bigint][] = [];
  for (let i = 0; i < flat.length; i += 8) {
    const lo = wordsToBigint(flat, i, what);
    const hi = wordsToBigint(flat, i + 4, what);
    if (lo > hi) throw new ClassifierError('invalid-address-set', `${what()}: v6 range with lo > hi`);
    pairs.push([lo, hi]);
  }
  return sortAndMerge(pairs, (hi, lo) => hi + 1n === lo);
}

export function complementV6Ranges(ranges: FlatRanges128): FlatRanges128 {
  const out: FlatRanges128 = [];
  let next = 0n;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! > next) out.push(next, ranges[i]! - 1n);
    next = ranges[i + 1]! + 1n;
  }
  if (next <= V6_MAX) out.push(next, V6_MAX);
  return out;
}
