const encoder = new TextEncoder();

type Limbs = [number, number, number, number];

/**
 * 64-bit FNV-1a. Strings are hashed by their UTF-8 bytes; `uint16` / `uint32` feed a wider symbol in one
 * step, which `stableHash` uses for numbers. The 64-bit state is kept as four 16-bit limbs (pure JS, synchronous).
 */
export class Fnv1a64 {
  // offset basis 0xcbf29ce484222325, least significant limb first
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  uint16(symbol: number): void {
    this.h0 ^= symbol;
    this.multiply();
  }

  /** One step for a 32-bit symbol (xored into the low 32 bits of the state). */
  uint32(symbol: number): void {
    this.h0 ^= symbol & 0xffff;
    this.h1 ^= symbol >>> 16;
    this.multiply();
  }

  private multiply(): void {
    // multiply by the prime 0x100000001b3 = 2^40 + 0x1b3, modulo 2^64
    const t0 = this.h0 * 0x1b3;
    let t1 = this.h1 * 0x1b3;
    let t2 = this.h2 * 0x1b3 + (this.h0 << 8);
    const t3 = this.h3 * 0x1b3 + (this.h1 << 8);
    t1 += t0 >>> 16;
    this.h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    this.h1 = t1 & 0xffff;
    this.h3 = (t3 + (t2 >>> 16)) & 0xffff;
    this.h2 = t2 & 0xffff;
  }

  string(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        const bytes = encoder.encode(text.slice(i));
        for (let j = 0; j < bytes.length; j++) this.uint16(bytes[j]!);
        return;
      }
      this.uint16(c);
    }
  }

  /** The state as four 16-bit limbs, to feed into another hash. */
  limbs(): Limbs {
    return [this.h0, this.h1, this.h2, this.h3];
  }

  hex(): string {
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    return hex(this.h3) + hex(this.h2) + hex(this.h1) + hex(this.h0);
  }
}

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 hex digits. */
export function fnv1a64Hex(text: string): string {
  const h = new Fnv1a64();
  h.string(text);
  return h.hex();
}

const enum Tag {
  Null = 0xf000,
  False,
  True,
  Uint32,
  OtherNumber,
  String,
  Array,
  Uint32Array,
  SharedArray,
  Object,
}

/** Arrays at least this long are hashed once per identity: compiled rules share large address arrays. */
const SHARED_ARRAY_MIN = 32;

/**
 * Hashes JSON-like data by structure (objects by sorted keys, `undefined` properties skipped) without building
 * a serialization. Equal data gives equal hashes whatever the key order or sharing of sub-arrays.
 */
export function stableHash(value: unknown): string {
  const shared = new Map<readonly unknown[], Limbs>();
  const h = new Fnv1a64();
  walk(h, value, shared);
  return h.hex();
}

function walk(h: Fnv1a64, value: unknown, shared: Map<readonly unknown[], Limbs>): void {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
      h.uint16(Tag.Uint32);
      h.uint16(value & 0xffff);
      h.uint16(value >>> 16);
    } else {
      h.uint16(Tag.OtherNumber);
      h.string(String(value));
    }
  } else if (typeof value === 'string') {
    h.uint16(Tag.String);
    h.string(value);
    h.uint16(value.length & 0xffff);
  } else if (typeof value === 'boolean') {
    h.uint16(value ? Tag.True : Tag.False);
  } else if (value === null || typeof value !== 'object') {
    h.uint16(Tag.Null);
  } else if (Array.isArray(value)) {
    if (value.length >= SHARED_ARRAY_MIN) {
      let limbs = shared.get(value);
      if (!limbs) {
        const sub = new Fnv1a64();
        walkArray(sub, value, shared);
        limbs = sub.limbs();
        shared.set(value, limbs);
      }
      h.uint16(Tag.SharedArray);
      for (const limb of limbs) h.uint16(limb);
    } else {
      walkArray(h, value, shared);
    }
  } else {
    const record = value as Record<string, unknown>;
    h.uint16(Tag.Object);
    for (const key of Object.keys(record).sort()) {
      if (record[key] === undefined) continue;
      h.string(key);
      h.uint16(Tag.String);
      walk(h, record[key], shared);
    }
    h.uint16(Tag.Object);
  }
}

function walkArray(h: Fnv1a64, value: readonly unknown[], shared: Map<readonly unknown[], Limbs>): void {
  const uint32s = value.every(
    (x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff,
  );
  h.uint16(uint32s ? Tag.Uint32Array : Tag.Array);
  h.uint16(value.length & 0xffff);
  h.uint16(value.length >>> 16);
  if (uint32s) {
    for (const x of value as readonly number[]) h.uint32(x);
  } else {
    for (const item of value) walk(h, item, shared);
  }
}
