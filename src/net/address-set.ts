import { parseCidr, parseIP } from './ip.js';

/**
 * An address set as sorted, merged, inclusive ranges.
 * v4: [lo, hi, lo, hi, ...] as unsigned 32-bit numbers.
 * v6: [lo0, lo1, lo2, lo3, hi0, hi1, hi2, hi3, ...], each address as four big-endian 32-bit words.
 */
export interface AddressSet {
  v4: number[];
  v6: number[];
}

/** See AddressSet: v4 ranges are [lo, hi] pairs, v6 ranges are eight words (lo0..lo3, hi0..hi3). */
const V6_STRIDE = 8;

export function emptyAddressSet(): AddressSet {
  return { v4: [], v6: [] };
}

/** Collects addresses and ranges of both families; `build()` returns them sorted and merged. */
export class AddressSetBuilder {
  private readonly v4Singles: number[] = [];
  private readonly v4Ranges: number[] = [];
  private readonly v6Ranges: number[] = [];
  private readonly sets: AddressSet[] = [];

  addIPv4(address: number): this {
    this.v4Singles.push(address);
    return this;
  }

  addIPv6(words: readonly number[]): this {
    this.v6Ranges.push(
      words[0]!,
      words[1]!,
      words[2]!,
      words[3]!,
      words[0]!,
      words[1]!,
      words[2]!,
      words[3]!,
    );
    return this;
  }

  /** Adds an IP or CIDR; returns false (adding nothing) when the text is neither. */
  addCidr(text: string): boolean {
    const cidr = parseCidr(text);
    if (!cidr) return false;
    if (cidr.family === 4) this.v4Ranges.push(cidr.lo, cidr.hi);
    else this.v6Ranges.push(...cidr.lo, ...cidr.hi);
    return true;
  }

  addSet(set: AddressSet): this {
    if (set.v4.length > 0 || set.v6.length > 0) this.sets.push(set);
    return this;
  }

  build(): AddressSet {
    if (this.v4Singles.length === 0 && this.v4Ranges.length === 0 && this.v6Ranges.length === 0) {
      if (this.sets.length === 0) return emptyAddressSet();
      if (this.sets.length === 1) return this.sets[0]!;
    }
    let set: AddressSet = {
      v4: mergeV4(singlesToRanges(this.v4Singles), normalizeV4(this.v4Ranges)),
      v6: normalizeV6(this.v6Ranges),
    };
    for (const other of this.sets) set = mergeAddressSets(set, other);
    return set;
  }
}

export function unionAddressSets(sets: readonly AddressSet[]): AddressSet {
  const builder = new AddressSetBuilder();
  for (const set of sets) builder.addSet(set);
  return builder.build();
}

function singlesToRanges(singles: readonly number[]): number[] {
  if (singles.length === 0) return [];
  const sorted = Float64Array.from(singles).sort();
  const out: number[] = [];
  for (const x of sorted) appendV4(out, x, x);
  return out;
}

function normalizeV4(pairs: readonly number[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) order.push(i);
  order.sort((a, b) => pairs[a]! - pairs[b]!);
  const out: number[] = [];
  for (const i of order) appendV4(out, pairs[i]!, pairs[i + 1]!);
  return out;
}

/** Union of two sorted, merged sets in linear time; may return one of them. */
export function mergeAddressSets(a: AddressSet, b: AddressSet): AddressSet {
  return { v4: mergeV4(a.v4, b.v4), v6: mergeV6(a.v6, b.v6) };
}

/** Merges two sorted, merged v4 range lists. */
function mergeV4(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[];
  if (a.length === 0) return b as number[];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      appendV4(out, a[i]!, a[i + 1]!);
      i += 2;
    } else {
      appendV4(out, b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return out;
}

/** Appends [lo, hi] to a sorted list, coalescing with the last range when they overlap or touch. */
export function appendV4(out: number[], lo: number, hi: number): void {
  const last = out.length - 1;
  if (last > 0 && lo <= out[last]! + 1) {
    if (hi > out[last]!) out[last] = hi;
  } else {
    out.push(lo, hi);
  }
}

export function compareV6(a: readonly number[], ai: number, b: readonly number[], bi: number): number {
  for (let k = 0; k < 4; k++) {
    const d = a[ai + k]! - b[bi + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether address `lo` (at a[ai]) is at most one past address `hi` (at b[bi]). */
function touchesV6(a: readonly number[], ai: number, b: readonly number[], bi: number): boolean {
  if (compareV6(a, ai, b, bi) <= 0) return true;
  const next = [b[bi]!, b[bi + 1]!, b[bi + 2]!, b[bi + 3]!];
  for (let k = 3; k >= 0; k--) {
    if (next[k] !== 0xffffffff) {
      next[k] = next[k]! + 1;
      return compareV6(a, ai, next, 0) === 0;
    }
    next[k] = 0;
  }
  return true;
}

function mergeV6(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a as number[];
  if (a.length === 0) return b as number[];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && compareV6(a, i, b, j) <= 0)) {
      appendV6(out, a, i);
      i += V6_STRIDE;
    } else {
      appendV6(out, b, j);
      j += V6_STRIDE;
    }
  }
  return out;
}

/** Appends the range at ranges[i] to a sorted list, coalescing with the last range when they touch. */
export function appendV6(out: number[], ranges: readonly number[], i: number): void {
  const lastHi = out.length - 4;
  if (out.length > 0 && touchesV6(ranges, i, out, lastHi)) {
    if (compareV6(ranges, i + 4, out, lastHi) > 0) {
      for (let k = 0; k < 4; k++) out[lastHi + k] = ranges[i + 4 + k]!;
    }
  } else {
    for (let k = 0; k < V6_STRIDE; k++) out.push(ranges[i + k]!);
  }
}

function normalizeV6(ranges: readonly number[]): number[] {
  if (ranges.length === 0) return [];
  const order: number[] = [];
  for (let i = 0; i < ranges.length; i += V6_STRIDE) order.push(i);
  order.sort((x, y) => compareV6(ranges, x, ranges, y));
  const out: number[] = [];
  for (const i of order) appendV6(out, ranges, i);
  return out;
}

/** Whether the IP text is in the set (a helper for tests and the API; the data plane has its own matcher). */
export function addressSetHas(set: AddressSet, ip: string): boolean {
  const parsed = parseIP(ip);
  if (!parsed) return false;
  if (parsed.family === 4) {
    for (let i = 0; i < set.v4.length; i += 2) {
      if (set.v4[i]! <= parsed.v4 && parsed.v4 <= set.v4[i + 1]!) return true;
    }
    return false;
  }
  for (let i = 0; i < set.v6.length; i += V6_STRIDE) {
    if (compareV6(set.v6, i, parsed.v6, 0) <= 0 && compareV6(parsed.v6, 0, set.v6, i + 4) <= 0) return true;
  }
  return false;
}
