import type { AddressSet } from '../../compiler/types.js';

/** The addresses a vNIC owns, for the spoof guard: sorted inclusive ranges, binary searched. */
export class OwnedAddresses {
  readonly #v4: Uint32Array;
  readonly #v6: Uint32Array;

  constructor(set: AddressSet) {
    this.#v4 = Uint32Array.from(set.v4);
    this.#v6 = Uint32Array.from(set.v6);
  }

  /** Whether the address at words[off..] (one word for IPv4, four for IPv6) is owned. */
  has(words: ArrayLike<number>, off: number, family: number): boolean {
    return family === 4 ? this.#has4(words[off]! >>> 0) : this.#has6(words, off);
  }

  #has4(a: number): boolean {
    const r = this.#v4;
    let lo = 0;
    let hi = (r.length >> 1) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a < r[mid * 2]!) hi = mid - 1;
      else if (a > r[mid * 2 + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  #has6(words: ArrayLike<number>, off: number): boolean {
    const r = this.#v6;
    let lo = 0;
    let hi = (r.length >> 3) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compare6(words, off, r, mid * 8) < 0) hi = mid - 1;
      else if (compare6(words, off, r, mid * 8 + 4) > 0) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

function compare6(a: ArrayLike<number>, aOff: number, b: Uint32Array, bOff: number): number {
  for (let i = 0; i < 4; i++) {
    const x = a[aOff + i]! >>> 0;
    const y = b[bOff + i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
