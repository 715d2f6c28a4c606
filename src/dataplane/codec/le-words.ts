/** Fast little-endian u32 access through native typed arrays, for the fixed-layout binary formats. */

export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Reverses the bytes of every 4-byte group in place. */
function swapWords(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/**
 * Swaps little-endian wire order and host order in place (a big-endian host only): `bytes` holds u32 words
 * up to `halvesFrom`, then u16 halves.
 */
export function hostOrderInPlace(bytes: Uint8Array, halvesFrom: number): void {
  swapWords(bytes.subarray(0, halvesFrom));
  for (let i = halvesFrom; i + 1 < bytes.length; i += 2) {
    const a = bytes[i]!;
    bytes[i] = bytes[i + 1]!;
    bytes[i + 1] = a;
  }
}

/**
 * Views buf (length a multiple of 4) as little-endian u32 words. On a big-endian host this
 * reads a byte-swapped copy, so callers can assume little-endian everywhere.
 */
export function readLeWords(buf: ArrayBuffer): Uint32Array {
  if (LITTLE_ENDIAN_HOST) return new Uint32Array(buf);
  const copy = new Uint8Array(buf.slice(0));
  swapWords(copy);
  return new Uint32Array(copy.buffer);
}

/** Finishes words written as little-endian values into their wire bytes. */
export function leWordsToBuffer(words: Uint32Array): ArrayBuffer {
  if (!LITTLE_ENDIAN_HOST) swapWords(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
  return words.buffer as ArrayBuffer;
}

/** Converts between a little-endian-read word and the big-endian (network order) word of the same bytes. */
export function bswap32(x: number): number {
  return ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}
