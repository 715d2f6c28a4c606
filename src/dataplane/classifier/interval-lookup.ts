const SIGN = 0x80000000;
const STRIDE = 8;
const FANOUT = 1 << STRIDE;
/** intervals from which the root takes 16 bits (256 KB) instead of 8: one dependent load less */
const WIDE_ROOT_INTERVALS = 512;
/** entries below this are search entries: SEARCH - entry indexes #search; above it, ~entry is a child */
const SEARCH = -(2 ** 30);
/** child tables a lookup may add per interval, beyond the root: at most 512 bytes per interval */
const CHILDREN_PER_INTERVAL = 1 / 2;
const MIN_CHILDREN = 16;

/**
 * Elementary intervals of an unsigned axis of `domainBits` bits (at most 32) -> class, through a
 * multibit trie: a root over the top 8 bits (16 from WIDE_ROOT_INTERVALS intervals), then 8-bit strides;
 * an entry is a class, a child table, or,
 * once the child budget is spent, a bracket of intervals to binary-search. A lookup is then two to four
 * dependent loads without data-dependent branches, where a bracketed binary search over the whole
 * axis took a mispredicted branch per step (three times slower on acl3_10k). Children are added
 * breadth first, so that a spent budget leaves searches only in the deepest, narrowest blocks.
 */
export class IntervalLookup {
  /** root (FANOUT entries), then child tables of FANOUT entries each */
  readonly #nodes: Int32Array;
  /** pairs [lo, hi] of interval indices to search */
  readonly #search: Int32Array;
  /** interval starts, scaled to 32 bits, XOR 2^31 so that signed comparison orders them as unsigned */
  readonly #biasedStarts: Int32Array;
  readonly #classes: Int32Array;
  readonly #scale: number;
  /** key bits below the root's */
  readonly #rootShift: number;

  constructor(starts: readonly number[], classes: readonly number[], domainBits: number) {
    if (!(domainBits >= 1 && domainBits <= 32)) throw new RangeError(`domainBits ${domainBits}`);
    const n = starts.length;
    this.#scale = 32 - domainBits;
    const scaled = starts.map((s) => s * 2 ** this.#scale);
    this.#biasedStarts = Int32Array.from(scaled, (s) => (s ^ SIGN) | 0);
    this.#classes = Int32Array.from(classes);
    const rootBits = n >= WIDE_ROOT_INTERVALS ? 2 * STRIDE : STRIDE;
    this.#rootShift = 32 - rootBits;
    const nodes: number[] = new Array<number>(2 ** rootBits).fill(0);
    const search: number[] = [];
    let children = Math.max(MIN_CHILDREN, Math.ceil(n * CHILDREN_PER_INTERVAL));
    // [slot, first value, block size, first interval overlapping the block]
    let level: number[] = [];
    const rootSize = 2 ** this.#rootShift;
    for (let i = 0; i < 2 ** rootBits; i++) level.push(i, i * rootSize, rootSize, 0);
    while (level.length > 0) {
      const next: number[] = [];
      let k = 0;
      for (let q = 0; q < level.length; q += 4) {
        const slot = level[q]!;
        const base = level[q + 1]!;
        const size = level[q + 2]!;
        k = Math.max(k, level[q + 3]!);
        while (k + 1 < n && scaled[k + 1]! <= base) k++;
        let last = k;
        while (last + 1 < n && scaled[last + 1]! < base + size) last++;
        if (last === k) nodes[slot] = this.#classes[k]!;
        else if (size > 1 && children > 0) {
          children--;
          const child = nodes.length;
          nodes[slot] = ~child;
          const sub = size / FANOUT;
          for (let i = 0; i < FANOUT; i++) {
            nodes.push(0);
            next.push(child + i, base + i * sub, sub, k);
          }
        } else {
          nodes[slot] = SEARCH - search.length / 2;
          search.push(k, last);
        }
      }
      level = next;
    }
    this.#nodes = Int32Array.from(nodes);
    this.#search = Int32Array.from(search);
  }

  /** `x` must lie in the domain; 32-bit values may also be given as signed int32. */
  classOf(x: number): number {
    const key = x << this.#scale;
    const nodes = this.#nodes;
    let shift = this.#rootShift;
    let e = nodes[key >>> shift]!;
    while (e < 0 && e > SEARCH) {
      shift -= STRIDE;
      e = nodes[~e + ((key >>> shift) & (FANOUT - 1))]!;
    }
    return e >= 0 ? e : this.#searched(SEARCH - e, key);
  }

  #searched(at: number, key: number): number {
    const starts = this.#biasedStarts;
    const biased = (key ^ SIGN) | 0;
    let lo = this.#search[2 * at]!;
    let hi = this.#search[2 * at + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= biased) lo = mid;
      else hi = mid - 1;
    }
    return this.#classes[lo]!;
  }
}
