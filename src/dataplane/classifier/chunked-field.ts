import { summaryWordsFor, type ClassVectors } from './bit-vector-classes.js';

/** Vector words per chunk, a power of two below 32. */
export const CHUNK_WORDS = 8;
export const CHUNK_SHIFT = Math.log2(CHUNK_WORDS);
/** chunks under one summary word (32 vector words) */
const GROUP_CHUNKS = 32 / CHUNK_WORDS;
/** row words per summary word: the summary word, then its chunks' block offsets */
export const GROUP = 1 + GROUP_CHUNKS;
const BLOCK_WORDS = CHUNK_WORDS;

/** Int32 words of a class row for `words` vector words, and the summary words in it. */
export function chunkShape(words: number): { stride: number; summaryWords: number } {
  const summaryWords = summaryWordsFor(words);
  return { stride: summaryWords * GROUP, summaryWords };
}

/**
 * One field's class vectors, cut into chunks of CHUNK_WORDS words. A class holds a summary with one bit
 * per non-zero word (aggregated bit vector) and, per chunk, the offset of that chunk's block; equal
 * blocks, within a class or across classes and chunks, are stored once, and empty ones not at all. A
 * field with C classes over R sub-rules thus keeps far fewer than C * R / 8 bytes where classes differ in
 * few chunks, as prefix fields do.
 */
export class ChunkedField {
  /**
   * One row of `stride` words per class, then the blocks. A row is one group per summary word s: the
   * summary word (bit j set when vector word 32 s + j is non-zero), then the offsets in `data` of the
   * blocks of the GROUP_CHUNKS chunks it covers (a shared empty block where empty). A lookup reads a
   * candidate word as data[data[row + GROUP s + 1 + (j >> CHUNK_SHIFT)] + (j & (CHUNK_WORDS - 1))]: the
   * offset sits in the cache line the summary word was read from, so a word costs one more line per
   * field, and no object lies in between (separate row, offset and block arrays took twice the time).
   */
  readonly data: Int32Array;
  readonly stride: number;

  constructor(data: Int32Array, stride: number) {
    this.data = data;
    this.stride = stride;
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
  const { stride, summaryWords } = chunkShape(words);
  const store = new BlockStore();
  const rows = new Int32Array(count * stride);
  const block = new Int32Array(BLOCK_WORDS);
  for (let c = 0; c < count; c++) {
    for (let g = 0; g < summaryWords * GROUP_CHUNKS; g++) {
      let empty = true;
      let hash = 0x811c9dc5;
      for (let i = 0; i < CHUNK_WORDS; i++) {
        const w = g * CHUNK_WORDS + i;
        const x = w < words ? v.vectors[c * words + w]! : 0;
        block[i] = x;
        if (x !== 0) {
          empty = false;
          rows[c * stride + (w >>> 5) * GROUP]! |= 1 << (w & 31);
        }
        hash = Math.imul(hash ^ x, 0x01000193);
      }
      if (!empty) rows[c * stride + offsetSlot(g)] = store.intern(block, hash);
    }
  }
  const blocks = store.finish();
  const data = new Int32Array(rows.length + blocks.length);
  data.set(rows);
  data.set(blocks, rows.length);
  for (let c = 0; c < count; c++) {
    for (let g = 0; g < summaryWords * GROUP_CHUNKS; g++) data[c * stride + offsetSlot(g)]! += rows.length;
  }
  return new ChunkedField(data, stride);
}

/** Row word holding the block offset of chunk g. */
function offsetSlot(g: number): number {
  return Math.floor(g / GROUP_CHUNKS) * GROUP + 1 + (g % GROUP_CHUNKS);
}
