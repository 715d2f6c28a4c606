import { summaryWordsFor, type ClassVectors } from './bit-vector-classes.js';

/** Vector words per chunk, a power of two. */
export const CHUNK_WORDS = 8;
export const CHUNK_SHIFT = Math.log2(CHUNK_WORDS);
const BLOCK_WORDS = CHUNK_WORDS;

/** Chunks for `words` vector words, and int32 words of a per-class word summary. */
export function chunkShape(words: number): { chunks: number; summaryWords: number } {
  return { chunks: Math.max(1, Math.ceil(words / CHUNK_WORDS)), summaryWords: summaryWordsFor(words) };
}

/**
 * One field's class vectors, cut into chunks of CHUNK_WORDS words. A class holds a summary with one bit
 * per non-zero word (aggregated bit vector) and, per chunk, the offset of that chunk's block; equal
 * blocks, within a class or across classes and chunks, are stored once, and empty ones not at all. A
 * field with C classes over R sub-rules thus keeps far fewer than C * R / 8 bytes where classes differ in
 * few chunks, as prefix fields do.
 */
export class ChunkedField {
  readonly blocks: Int32Array;
  /**
   * One row per class: its summary (summaryWords words, bit w & 31 of word w >> 5 set when vector word w
   * is non-zero), then the offset in `blocks` of each chunk's block (0, an empty block, if empty). Both
   * halves sit together so that a lookup touches one region per field.
   */
  readonly rows: Int32Array;

  constructor(blocks: Int32Array, rows: Int32Array) {
    this.blocks = blocks;
    this.rows = rows;
  }
}

/** Interns blocks by content into one growing array; offset 0 is the empty block. */
class BlockStore {
  #blocks = new Int32Array(BLOCK_WORDS * 64);
  #used = BLOCK_WORDS;
  #byHash = new Map<number, number | number[]>();

  intern(block: Int32Array, hash: number): number {
    const found = this.#byHash.get(hash);
    if (found !== undefined) {
      if (typeof found === 'number') {
        if (this.#equals(found, block)) return found;
      } else {
        for (const at of found) if (this.#equals(at, block)) return at;
      }
    }
    const at = this.#used;
    if (at + BLOCK_WORDS > this.#blocks.length) {
      const grown = new Int32Array(this.#blocks.length * 2);
      grown.set(this.#blocks);
      this.#blocks = grown;
    }
    for (let i = 0; i < BLOCK_WORDS; i++) this.#blocks[at + i] = block[i]!;
    this.#used += BLOCK_WORDS;
    if (found === undefined) this.#byHash.set(hash, at);
    else if (typeof found === 'number') this.#byHash.set(hash, [found, at]);
    else found.push(at);
    return at;
  }

  finish(): Int32Array {
    return this.#blocks.slice(0, this.#used);
  }

  #equals(at: number, block: Int32Array): boolean {
    for (let i = 0; i < BLOCK_WORDS; i++) if (this.#blocks[at + i] !== block[i]) return false;
    return true;
  }
}

/** Chunks `count` full class vectors of `words` words each (e.g. a BitVectorClasses store's output). */
export function chunkField(v: ClassVectors, count: number, words: number): ChunkedField {
  const { chunks, summaryWords } = chunkShape(words);
  const stride = summaryWords + chunks;
  const store = new BlockStore();
  const rows = new Int32Array(count * stride);
  const block = new Int32Array(BLOCK_WORDS);
  for (let c = 0; c < count; c++) {
    for (let g = 0; g < chunks; g++) {
      let empty = true;
      let hash = 0x811c9dc5;
      for (let i = 0; i < CHUNK_WORDS; i++) {
        const w = g * CHUNK_WORDS + i;
        const x = w < words ? v.vectors[c * words + w]! : 0;
        block[i] = x;
        if (x !== 0) {
          empty = false;
          rows[c * stride + (w >>> 5)]! |= 1 << (w & 31);
        }
        hash = Math.imul(hash ^ x, 0x01000193);
      }
      if (!empty) rows[c * stride + summaryWords + g] = store.intern(block, hash);
    }
  }
  return new ChunkedField(store.finish(), rows);
}
