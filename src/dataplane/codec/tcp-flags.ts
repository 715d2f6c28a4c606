/** TCP flag letters; the letter at position i is bit 1 << i. */
export const TCP_FLAG_LETTERS = 'FSRPAUEC';

export const TCP_FLAG = { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32, E: 64, C: 128 } as const;

/** Parses a flag string such as "SA" into bits, or returns a description of what is wrong. */
export function parseTcpFlags(text: string): number | string {
  let bits = 0;
  for (const ch of text) {
    const bit = TCP_FLAG_LETTERS.indexOf(ch);
    if (bit < 0) return `has unknown flag letter ${JSON.stringify(ch)} (allowed: ${TCP_FLAG_LETTERS})`;
    if (bits & (1 << bit)) return `repeats flag letter "${ch}"`;
    bits |= 1 << bit;
  }
  return bits;
}

export function formatTcpFlags(bits: number): string {
  let out = '';
  for (let i = 0; i < 8; i++) if (bits & (1 << i)) out += TCP_FLAG_LETTERS[i];
  return out;
}
