import { ClassifierError } from './classifier-error.js';

/**
 * IPv6 ranges without BigInt: eight u32 words per inclusive range (lo0..lo3, hi0..hi3, big-endian), sorted
 * and merged (no overlap, no adjacency). A classifier build handles some 10^5 of them, where BigInt
 * arithmetic and Map keys cost most of the build.
 */
export type FlatRanges6 = Uint32Array;

const MAX = 0xffffffff;

export const V6_ALL: FlatRanges6 = Uint32Array.of(0, 0, 0, 0, MAX, MAX, MAX, MAX);

/** Orders the addresses at a[i..i+3] and b[j..j+3]: negative, zero or positive. */
export function compare6(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  for (let w = 0; w < 4; w++) if (a[i + w] !== b[j + w]) return a[i + w]! - b[j + w]!;
  return 0;
}

export function isMax6(a: ArrayLike<number>, i: number): boolean {
  return a[i] === MAX && a[i + 1] === MAX && a[i + 2] === MAX && a[i + 3] === MAX;
}

/** Writes the address at a[i..] plus one to out[o..]; the caller ensures it is not the maximum. */
export function successor6(a: ArrayLike<number>, i: number, out: Uint32Array, o: number): void {
  let carry = 1;
  for (let w = 3; w >= 0; w--) {
    const x = a[i + w]! + carry;
    carry = x > MAX ? 1 : 0;
    out[o + w] = x > MAX ? 0 : x;
  }
}

/** Writes the address at a[i..] minus one to out[o..]; the caller ensures it is not zero. */
function predecessor6(a: ArrayLike<number>, i: number, out: Uint32Array, o: number): void {
  let borrow = 1;
  for (let w = 3; w >= 0; w--) {
    const x = a[i + w]! - borrow;
    borrow = x < 0 ? 1 : 0;
    out[o + w] = x < 0 ? MAX : x;
  }
}

/** Whether b[j..] is a[i..] + 1. */
function isSuccessor6(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): boolean {
  let w = 3;
  // a's trailing all-ones words carry into zeros
  for (; w >= 0 && a[i + w] === MAX; w--) if (b[j + w] !== 0) return false;
  if (w < 0 || b[j + w] !== a[i + w]! + 1) return false;
  for (w--; w >= 0; w--) if (b[j + w] !== a[i + w]) return false;
  return true;
}

/** Validates v6 ranges (8 words per range) and returns them sorted and merged. */
export function normalizeV6(flat: readonly number[], what: () => string): FlatRanges6 {
  if (!Array.isArray(flat) || flat.length % 8 !== 0) {
    throw new ClassifierError('invalid-address-set', `${what()}: v6 list length must be a multiple of 8`);
  }
  let sortedAndMerged = true;
  for (let i = 0; i < flat.length; i++) {
    const w = flat[i]!;
    if (!Number.isInteger(w) || w < 0 || w > MAX) {
      throw new ClassifierError('invalid-address-set', `${what()}: bad IPv6 word ${w}`);
    }
  }
  for (let i = 0; i < flat.length; i += 8) {
    if (compare6(flat, i, flat, i + 4) > 0) {
      throw new ClassifierError('invalid-address-set', `${what()}: v6 range with lo > hi`);
    }
    if (i > 0 && (compare6(flat, i, flat, i - 4) <= 0 || isSuccessor6(flat, i - 4, flat, i))) {
      sortedAndMerged = false;
    }
  }
  if (sortedAndMerged) return Uint32Array.from(flat);
  const order = Array.from({ length: flat.length / 8 }, (_, k) => k * 8);
  order.sort((a, b) => compare6(flat, a, flat, b));
  const out = new Uint32Array(flat.length);
  let n = 0;
  for (const at of order) {
    const last = n - 4;
    if (n > 0 && (compare6(flat, at, out, last) <= 0 || isSuccessor6(out, last, flat, at))) {
      if (compare6(flat, at + 4, out, last) > 0)
        for (let w = 0; w < 4; w++) out[last + w] = flat[at + 4 + w]!;
    } else {
      for (let w = 0; w < 8; w++) out[n + w] = flat[at + w]!;
      n += 8;
    }
  }
  return out.slice(0, n);
}

/** The addresses outside `ranges` (sorted and merged). */
export function complementV6(ranges: FlatRanges6): FlatRanges6 {
  const out = new Uint32Array(ranges.length + 8);
  let n = 0;
  const next = new Uint32Array(4);
  let done = false;
  for (let i = 0; i < ranges.length; i += 8) {
    if (compare6(ranges, i, next, 0) > 0) {
      out.set(next, n);
      predecessor6(ranges, i, out, n + 4);
      n += 8;
    }
    if (isMax6(ranges, i + 4)) {
      done = true;
      break;
    }
    successor6(ranges, i + 4, next, 0);
  }
  if (!done) {
    out.set(next, n);
    out.fill(MAX, n + 4, n + 8);
    n += 8;
  }
  return out.slice(0, n);
}
