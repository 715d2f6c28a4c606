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
    const scaled = new Float64Array(n);
    this.#biasedStarts = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      scaled[i] = starts[i]! * 2 ** this.#scale;
      this.#biasedStarts[i] = (scaled[i]! ^ SIGN) | 0;
    }
    this.#classes = Int32Array.from(classes);
    const rootBits = n >= WIDE_ROOT_INTERVALS ? 2 * STRIDE : STRIDE;
    this.#rootShift = 32 - rootBits;
    const rootEntries = 2 ** rootBits;
    let budget = Math.max(MIN_CHILDREN, Math.ceil(n * CHILDREN_PER_INTERVAL));
    const nodes = new Int32Array(rootEntries + budget * FANOUT);
    let used = rootEntries;
    const search: number[] = [];
    // one level's blocks in increasing order (all of one size): entry, first value, first interval in it
    let size = 2 ** this.#rootShift;
    let slots = new Int32Array(rootEntries);
    let bases = new Float64Array(rootEntries);
    let firsts = new Int32Array(rootEntries);
    for (let i = 0; i < rootEntries; i++) {
      slots[i] = i;
      bases[i] = i * size;
    }
    let count = rootEntries;
    while (count > 0) {
      const room = Math.min(count, budget) * FANOUT;
      const nextSlots = new Int32Array(room);
      const nextBases = new Float64Array(room);
      const nextFirsts = new Int32Array(room);
      const sub = size / FANOUT;
      let next = 0;
      let k = 0;
      for (let q = 0; q < count; q++) {
        const slot = slots[q]!;
        const base = bases[q]!;
        k = Math.max(k, firsts[q]!);
        while (k + 1 < n && scaled[k + 1]! <= base) k++;
        let last = k;
        while (last + 1 < n && scaled[last + 1]! < base + size) last++;
        if (last === k) nodes[slot] = this.#classes[k]!;
        else if (size > 1 && budget > 0) {
          budget--;
          const child = used;
          used += FANOUT;
          nodes[slot] = ~child;
          for (let i = 0; i < FANOUT; i++, next++) {
            nextSlots[next] = child + i;
            nextBases[next] = base + i * sub;
            nextFirsts[next] = k;
          }
        } else {
          nodes[slot] = SEARCH - search.length / 2;
          search.push(k, last);
        }
      }
      slots = nextSlots;
      bases = nextBases;
      firsts = nextFirsts;
      count = next;
      size = sub;
    }
    this.#nodes = nodes.slice(0, used);
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
