import type { AddressMatch, AddressSet } from '../../compiler/types.js';
import { compare6 } from './ranges6.js';

/**
 * The addresses a known set of packets carries. A rule's address match restricted to them (its set cut down
 * to those addresses, the negation kept) decides each of those packets as the full match does, and a
 * classifier over restricted matches has a boundary per address instead of one per range of every set:
 * judging the flows of one conntrack against a candidate rule set needs only that.
 */
export class TouchedAddresses {
  readonly #v4 = new Set<number>();
  readonly #v6: number[] = [];
  #sorted4: Float64Array | null = null;
  #sorted6: Uint32Array | null = null;
  readonly #sets = new Map<AddressSet, AddressSet>();
  readonly #matches = new Map<AddressMatch, AddressMatch>();

  add4(address: number): void {
    this.#v4.add(address >>> 0);
    this.#sorted4 = null;
  }

  /** the address at words[off..off+3], big-endian */
  add6(words: ArrayLike<number>, off: number): void {
    for (let w = 0; w < 4; w++) this.#v6.push(words[off + w]! >>> 0);
    this.#sorted6 = null;
  }

  /** `match` cut down to the touched addresses; equal for each of them, one object per input object. */
  restrict(match: AddressMatch): AddressMatch {
    if (match.any) return match;
    let out = this.#matches.get(match);
    if (!out) {
      let set = this.#sets.get(match.set);
      if (!set) {
        set = { v4: this.#restrict4(match.set.v4), v6: this.#restrict6(match.set.v6) };
        this.#sets.set(match.set, set);
      }
      out = { any: false, negate: match.negate, set };
      this.#matches.set(match, out);
    }
    return out;
  }

  #restrict4(ranges: readonly number[]): number[] {
    const points = (this.#sorted4 ??= Float64Array.from(this.#v4).sort());
    const out: number[] = [];
    for (let i = 0; i + 1 < ranges.length; i += 2) {
      const lo = ranges[i]!;
      const hi = ranges[i + 1]!;
      let a = 0;
      let b = points.length;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (points[mid]! < lo) a = mid + 1;
        else b = mid;
      }
      for (; a < points.length && points[a]! <= hi; a++) {
        const p = points[a]!;
        if (out.length > 0 && out[out.length - 1] === p - 1) out[out.length - 1] = p;
        else out.push(p, p);
      }
    }
    return out;
  }

  #restrict6(ranges: readonly number[]): number[] {
    const points = (this.#sorted6 ??= this.#sortV6());
    const out: number[] = [];
    const n = points.length / 4;
    for (let i = 0; i + 7 < ranges.length; i += 8) {
      let a = 0;
      let b = n;
      while (a < b) {
        const mid = (a + b) >>> 1;
        if (compare6(points, mid * 4, ranges, i) < 0) a = mid + 1;
        else b = mid;
      }
      for (; a < n && compare6(points, a * 4, ranges, i + 4) <= 0; a++) {
        const p = points.subarray(a * 4, a * 4 + 4);
        out.push(p[0]!, p[1]!, p[2]!, p[3]!, p[0]!, p[1]!, p[2]!, p[3]!);
      }
    }
    return out;
  }

  #sortV6(): Uint32Array {
    const all = this.#v6;
    const order = Array.from({ length: all.length / 4 }, (_, k) => k * 4);
    order.sort((a, b) => compare6(all, a, all, b));
    const out = new Uint32Array(all.length);
    let n = 0;
    for (const at of order) {
      if (n > 0 && compare6(out, n - 4, all, at) === 0) continue;
      for (let w = 0; w < 4; w++) out[n + w] = all[at + w]!;
      n += 4;
    }
    return out.slice(0, n);
  }
}
