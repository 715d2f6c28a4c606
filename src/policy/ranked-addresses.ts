import type { AddressSet } from '../net/address-set.js';
import { compareV6 } from '../net/address-set.js';
import type { IndexSet } from './index-set.js';

/**
 * The vNIC addresses of an inventory, sorted and ranked once, so the address set of any set of vNICs is an
 * integer sort of ranks plus a linear walk (no per-group comparison sorts of addresses).
 */
export class RankedAddresses {
  private readonly v4 = new RankedFamily(1);
  private readonly v6 = new RankedFamily(4);

  /** `v4[v]` holds vNIC v's IPv4 addresses as numbers, `v6[v]` its IPv6 addresses as four words each. */
  constructor(v4: readonly (readonly number[])[], v6: readonly (readonly number[])[]) {
    this.v4.index(v4);
    this.v6.index(v6);
  }

  of(vnics: IndexSet): AddressSet {
    return { v4: this.v4.ranges(vnics), v6: this.v6.ranges(vnics) };
  }
}

class RankedFamily {
  /** distinct addresses in order, `width` words each */
  private words: number[] = [];
  /** adjacent[r]: address r + 1 is address r plus one */
  private adjacent = new Uint8Array(0);
  private rankStart = new Int32Array(1);
  private ranks = new Int32Array(0);

  constructor(private readonly width: 1 | 4) {}

  /** `perVnic[v]` holds vNIC v's addresses, `width` words each, concatenated. */
  index(perVnic: readonly (readonly number[])[]): void {
    const w = this.width;
    const all: number[] = [];
    for (const words of perVnic) for (const x of words) all.push(x);
    const n = all.length / w;
    const order = Array.from({ length: n }, (_, i) => i * w);
    order.sort(w === 1 ? (a, b) => all[a]! - all[b]! : (a, b) => compareV6(all, a, all, b));
    const rankAt = new Int32Array(n);
    let count = 0;
    order.forEach((at, i) => {
      if (i === 0 || compareAt(all, at, order[i - 1]!, w) !== 0) {
        count++;
        for (let j = 0; j < w; j++) this.words.push(all[at + j]!);
      }
      rankAt[at / w] = count - 1;
    });
    this.adjacent = new Uint8Array(count);
    for (let r = 0; r + 1 < count; r++) this.adjacent[r] = this.isSuccessor(r + 1, r) ? 1 : 0;
    this.rankStart = new Int32Array(perVnic.length + 1);
    let k = 0;
    perVnic.forEach((words, v) => {
      this.rankStart[v] = k;
      k += words.length / w;
    });
    this.rankStart[perVnic.length] = k;
    this.ranks = rankAt;
  }

  ranges(vnics: IndexSet): number[] {
    let total = 0;
    for (const v of vnics) total += this.rankStart[v + 1]! - this.rankStart[v]!;
    if (total === 0) return [];
    const sorted = new Int32Array(total);
    let k = 0;
    for (const v of vnics)
      for (let i = this.rankStart[v]!; i < this.rankStart[v + 1]!; i++) sorted[k++] = this.ranks[i]!;
    sorted.sort();
    const w = this.width;
    const out: number[] = [];
    let prev = -2;
    for (const r of sorted) {
      if (r === prev) continue;
      if (r === prev + 1 && this.adjacent[prev]) {
        for (let j = 0; j < w; j++) out[out.length - w + j] = this.words[r * w + j]!;
      } else {
        for (let j = 0; j < w; j++) out.push(this.words[r * w + j]!);
        for (let j = 0; j < w; j++) out.push(this.words[r * w + j]!);
      }
      prev = r;
    }
    return out;
  }

  /** whether address b is address a minus one */
  private isSuccessor(a: number, b: number): boolean {
    const w = this.width;
    let carry = 1;
    for (let j = w - 1; j >= 0; j--) {
      const sum = this.words[b * w + j]! + carry;
      const word = sum > 0xffffffff ? 0 : sum;
      carry = sum > 0xffffffff ? 1 : 0;
      if (word !== this.words[a * w + j]) return false;
    }
    return carry === 0;
  }
}

function compareAt(words: readonly number[], a: number, b: number, width: number): number {
  return width === 1 ? words[a]! - words[b]! : compareV6(words, a, words, b);
}
