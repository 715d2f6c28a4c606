import type { AddressMatch, ServiceMatch } from '../../compiler/types.js';

export interface ClassifierRule {
  src: AddressMatch;
  dst: AddressMatch;
  /** empty = any service */
  services: ServiceMatch[];
}

export interface Classifier {
  readonly size: number;
  /** index of the first (lowest index) matching rule, or -1. Addresses are unsigned 32-bit numbers. */
  match4(src: number, dst: number, proto: number, sport: number, dport: number): number;
  /** IPv6: addresses given as 4 big-endian u32 words at words[off..off+3] */
  match6(
    srcWords: ArrayLike<number>,
    srcOff: number,
    dstWords: ArrayLike<number>,
    dstOff: number,
    proto: number,
    sport: number,
    dport: number,
  ): number;
}
