import { ConntrackError } from './errors.js';

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_PSH = 8;
export const TCP_ACK = 16;
export const TCP_URG = 32;
export const TCP_ECE = 64;
export const TCP_CWR = 128;

const LETTERS = 'FSRPAUEC';

/** "SA" -> TCP_SYN | TCP_ACK. Letters are from FSRPAUEC, in any order and case-sensitive. */
export function parseTcpFlags(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const bit = LETTERS.indexOf(text[i]!);
    if (bit < 0) throw new ConntrackError('BAD_TCP_FLAGS', `unknown TCP flag '${text[i]}' in "${text}"`);
    mask |= 1 << bit;
  }
  return mask;
}

export function formatTcpFlags(mask: number): string {
  let out = '';
  for (let bit = 0; bit < 8; bit++) if (mask & (1 << bit)) out += LETTERS[bit];
  return out;
}
