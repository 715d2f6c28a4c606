import { REF_V6, V4_SHIFT, V6_SHIFT, W_HASH, W_META, W_PORTS, W_SRC, W_VNIC } from './flow-layout.js';

/** Index slot: 0 empty, else hash tag (top 8 bits) | entry id + 1 (low 24 bits). */
const TAG_MASK = 0xff000000 | 0;
const ID_MASK = 0x00ffffff;
export const MAX_ENTRIES = ID_MASK - 1;
const MAX_LOAD = 0.75;
const MIN_CAPACITY = 16;

/**
 * The flows of one address family: entries packed in one Int32Array (see flow-layout.ts), found
 * through an open-addressing, linear-probing index of entry ids. Deletion shifts later probes
 * back (no tombstones); entry ids stay put when either array grows, so flow refs survive growth.
 */
export class FlowStore {
  readonly family: 4 | 6;
  readonly shift: number;
  #words: Int32Array;
  #capacity: number;
  #index: Int32Array;
  #mask: number;
  #growIndexAt: number;
  #size = 0;
  #highWater = 0;
  #freeHead = -1;

  constructor(family: 4 | 6, initialCapacity: number) {
    this.family = family;
    this.shift = family === 4 ? V4_SHIFT : V6_SHIFT;
    this.#capacity = Math.max(MIN_CAPACITY, Math.ceil(initialCapacity));
    this.#words = new Int32Array(this.#capacity << this.shift);
    this.#index = new Int32Array(indexSlotsFor(this.#capacity));
    this.#mask = this.#index.length - 1;
    this.#growIndexAt = Math.floor(this.#index.length * MAX_LOAD);
  }

  get size(): number {
    return this.#size;
  }

  /** entry ids below this may be live (iterate 0..highWater and skip free entries) */
  get highWater(): number {
    return this.#highWater;
  }

  /** the entry words; re-read after any insert, since growth replaces the array */
  get words(): Int32Array {
    return this.#words;
  }

  get byteLength(): number {
    return this.#words.byteLength + this.#index.byteLength;
  }

  isLive(id: number): boolean {
    return (
      id >= 0 && id < this.#highWater && ((this.#words[(id << this.shift) + W_META]! >>> 8) & 0xff) !== 0
    );
  }

  /** IPv4 key lookup in both orientations: a ref, or -1. Arguments are int32-normalized. */
  find4(vnic: number, proto: number, src: number, dst: number, sport: number, dport: number, h: number) {
    const index = this.#index;
    const words = this.#words;
    const mask = this.#mask;
    const ports = (sport << 16) | dport;
    const reversed = (dport << 16) | sport;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = index[i]!;
      if (slot === 0) return -1;
      if (((slot ^ h) & TAG_MASK) !== 0) continue;
      const id = (slot & ID_MASK) - 1;
      const b = id << V4_SHIFT;
      if (words[b + W_VNIC] !== vnic || (words[b + W_META]! & 0xff) !== proto) continue;
      const s = words[b + W_SRC];
      const d = words[b + W_SRC + 1];
      const p = words[b + W_PORTS];
      if (s === src && d === dst && p === ports) return id << 2;
      if (s === dst && d === src && p === reversed) return (id << 2) | 1;
    }
  }

  /** IPv6 key lookup in both orientations: a ref, or -1. */
  find6(
    vnic: number,
    proto: number,
    src: ArrayLike<number>,
    so: number,
    dst: ArrayLike<number>,
    dOff: number,
    sport: number,
    dport: number,
    h: number,
  ) {
    const index = this.#index;
    const words = this.#words;
    const mask = this.#mask;
    const ports = (sport << 16) | dport;
    const reversed = (dport << 16) | sport;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = index[i]!;
      if (slot === 0) return -1;
      if (((slot ^ h) & TAG_MASK) !== 0) continue;
      const id = (slot & ID_MASK) - 1;
      const b = id << V6_SHIFT;
      if (words[b + W_VNIC] !== vnic || (words[b + W_META]! & 0xff) !== proto) continue;
      const p = words[b + W_PORTS];
      if (p === ports && sameAddr(words, b + W_SRC, src, so) && sameAddr(words, b + W_SRC + 4, dst, dOff)) {
        return (id << 2) | REF_V6;
      }
      if (
        p === reversed &&
        sameAddr(words, b + W_SRC, dst, dOff) &&
        sameAddr(words, b + W_SRC + 4, src, so)
      ) {
        return (id << 2) | REF_V6 | 1;
      }
    }
  }

  /** Takes a free entry for a new key with hash `h` and indexes it; the caller fills the words. */
  allocate(h: number): number {
    if (this.#size >= this.#growIndexAt) this.#rebuildIndex(this.#index.length * 2);
    let id = this.#freeHead;
    if (id >= 0) {
      this.#freeHead = this.#words[(id << this.shift) + W_HASH]!;
    } else {
      if (this.#highWater === this.#capacity) this.#growEntries();
      id = this.#highWater++;
    }
    this.#words[(id << this.shift) + W_HASH] = h;
    this.#link(id, h);
    this.#size++;
    return id;
  }

  /** Unindexes a live entry and frees it. */
  release(id: number): void {
    const b = id << this.shift;
    this.#unlink(id, this.#words[b + W_HASH]!);
    this.#words.fill(0, b, b + (1 << this.shift));
    this.#words[b + W_HASH] = this.#freeHead;
    this.#freeHead = id;
    this.#size--;
  }

  clear(): void {
    this.#words.fill(0);
    this.#index.fill(0);
    this.#size = 0;
    this.#highWater = 0;
    this.#freeHead = -1;
  }

  #link(id: number, h: number): void {
    const index = this.#index;
    const mask = this.#mask;
    let i = h & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = (h & TAG_MASK) | (id + 1);
  }

  #unlink(id: number, h: number): void {
    const index = this.#index;
    const mask = this.#mask;
    const words = this.#words;
    let hole = h & mask;
    while ((index[hole]! & ID_MASK) !== id + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const slot = index[j]!;
      const home = words[(((slot & ID_MASK) - 1) << this.shift) + W_HASH]! & mask;
      // Move the slot back unless its home lies cyclically in (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        index[hole] = slot;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  #rebuildIndex(slots: number): void {
    const old = this.#index;
    this.#index = new Int32Array(slots);
    this.#mask = slots - 1;
    this.#growIndexAt = Math.floor(slots * MAX_LOAD);
    const words = this.#words;
    for (let i = 0; i < old.length; i++) {
      const slot = old[i]!;
      if (slot === 0) continue;
      const id = (slot & ID_MASK) - 1;
      this.#link(id, words[(id << this.shift) + W_HASH]!);
    }
  }

  #growEntries(): void {
    if (this.#capacity >= MAX_ENTRIES) throw new RangeError('conntrack store is at its maximum size');
    const capacity = Math.min(MAX_ENTRIES, Math.ceil(this.#capacity * 1.5));
    const words = new Int32Array(capacity << this.shift);
    words.set(this.#words);
    this.#words = words;
    this.#capacity = capacity;
  }
}

function indexSlotsFor(entries: number): number {
  let slots = MIN_CAPACITY;
  while (slots * MAX_LOAD < entries) slots *= 2;
  return slots;
}

function sameAddr(words: Int32Array, b: number, addr: ArrayLike<number>, off: number): boolean {
  return (
    words[b] === (addr[off]! | 0) &&
    words[b + 1] === (addr[off + 1]! | 0) &&
    words[b + 2] === (addr[off + 2]! | 0) &&
    words[b + 3] === (addr[off + 3]! | 0)
  );
}
