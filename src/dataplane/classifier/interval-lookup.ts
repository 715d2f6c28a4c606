const SIGN = 0x80000000;
const MAX_BRACKET_BITS = 16;

/**
 * Elementary intervals of an unsigned axis of `domainBits` bits (at most 32) -> class, by binary search
 * within a bracket: a table over the top bits with about 32 entries per interval (at most 2^16), so that
 * most lookups take a step or none while small rule sets keep small tables.
 */
export class IntervalLookup {
  /** interval starts XOR 2^31, so that signed comparison orders them as unsigned */
  readonly #biasedStarts: Int32Array;
  readonly #classes: Int32Array;
  /** #bracket[t]..#bracket[t + 1] brackets the intervals that overlap block t (values t << #shift up) */
  readonly #bracket: Int32Array;
  readonly #shift: number;

  constructor(starts: readonly number[], classes: readonly number[], domainBits: number) {
    const n = starts.length;
    const bits = Math.min(MAX_BRACKET_BITS, domainBits, Math.max(1, Math.ceil(Math.log2(n)) + 5));
    const blocks = 2 ** bits;
    const blockSize = 2 ** (domainBits - bits);
    this.#shift = domainBits - bits;
    this.#biasedStarts = Int32Array.from(starts, (s) => (s ^ SIGN) | 0);
    this.#classes = Int32Array.from(classes);
    // entry t = the interval containing value t * blockSize: interval k covers the blocks whose first
    // value lies in [starts[k], starts[k + 1])
    this.#bracket = new Int32Array(blocks + 1);
    for (let k = 0; k < n; k++) {
      const firstBlock = Math.ceil(starts[k]! / blockSize);
      const endBlock = k + 1 < n ? Math.ceil(starts[k + 1]! / blockSize) : blocks + 1;
      if (endBlock > firstBlock) this.#bracket.fill(k, firstBlock, endBlock);
    }
  }

  /** `x` must lie in the domain; 32-bit values may also be given as signed int32. */
  classOf(x: number): number {
    const key = (x ^ SIGN) | 0;
    const starts = this.#biasedStarts;
    const t = x >>> this.#shift;
    let lo = this.#bracket[t]!;
    let hi = this.#bracket[t + 1]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return this.#classes[lo]!;
  }
}
