import { ClassifierError } from '../../src/dataplane/classifier/classifier-error.js';

/** Bit-vector memory is classes x rules / 8 bytes per field; refuse rather than exhaust the heap. */
const MAX_WORDS_PER_FIELD = 1 << 26;

/** Class vectors of one field, `words` per class, and their summaries, `summaryWords` per class. */
export interface ClassVectors {
  readonly vectors: Int32Array;
  readonly summaries: Int32Array;
}

/**
 * Interns equal sub-rule bit vectors into dense class ids. Each class is `words` int32 words in one
 * flat array, plus a summary with one bit per non-zero word (aggregated bit vector).
 */
export class BitVectorClasses {
  readonly words: number;
  readonly summaryWords: number;
  #vectors: Int32Array;
  #summaries: Int32Array;
  #count = 0;
  #byHash = new Map<number, number | number[]>();

  constructor(words: number) {
    this.words = words;
    this.summaryWords = summaryWordsFor(words);
    this.#vectors = new Int32Array(words * 16);
    this.#summaries = new Int32Array(this.summaryWords * 16);
  }

  get count(): number {
    return this.#count;
  }

  /**
   * Returns the class id of `vec`, adding it if new. `hash` must be computed consistently per store;
   * `summary` must be the summary of `vec`.
   */
  intern(vec: Int32Array, hash: number, summary: Int32Array): number {
    const found = this.#byHash.get(hash);
    if (found !== undefined) {
      if (typeof found === 'number') {
        if (this.#equals(found, vec)) return found;
      } else {
        for (const id of found) if (this.#equals(id, vec)) return id;
      }
    }
    const id = this.#add(vec, summary);
    if (found === undefined) this.#byHash.set(hash, id);
    else if (typeof found === 'number') this.#byHash.set(hash, [found, id]);
    else found.push(id);
    return id;
  }

  /** Trimmed class vectors and summaries; the store should not be used afterwards. */
  finish(): ClassVectors {
    return {
      vectors: this.#vectors.slice(0, this.#count * this.words),
      summaries: this.#summaries.slice(0, this.#count * this.summaryWords),
    };
  }

  #equals(id: number, vec: Int32Array): boolean {
    const base = id * this.words;
    for (let i = 0; i < this.words; i++) if (this.#vectors[base + i] !== vec[i]) return false;
    return true;
  }

  #add(vec: Int32Array, summary: Int32Array): number {
    if ((this.#count + 1) * this.words > MAX_WORDS_PER_FIELD) {
      throw new ClassifierError(
        'too-complex',
        `more than ${MAX_WORDS_PER_FIELD * 4} bytes of bit vectors in one field`,
      );
    }
    if ((this.#count + 1) * this.words > this.#vectors.length) {
      this.#vectors = grow(this.#vectors);
      this.#summaries = grow(this.#summaries);
    }
    this.#vectors.set(vec.subarray(0, this.words), this.#count * this.words);
    this.#summaries.set(summary.subarray(0, this.summaryWords), this.#count * this.summaryWords);
    return this.#count++;
  }
}

function grow(a: Int32Array): Int32Array {
  const grown = new Int32Array(a.length * 2);
  grown.set(a);
  return grown;
}

/**
 * Hash contribution of one bit; XOR-ing these over set bits gives an incrementally updatable hash.
 * 30 bits, so that hashes stay small integers (no heap numbers while the code is still interpreted).
 */
export function bitHash(bit: number): number {
  let h = Math.imul(bit + 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x3fffffff;
}

/** Summary words for `words` vector words: one summary bit per vector word. */
export function summaryWordsFor(words: number): number {
  return Math.max(1, Math.ceil(words / 32));
}
