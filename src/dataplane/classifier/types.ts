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

/** A subset of one classifier's rules, made by its `filter`; only members can be a filtered match. */
export interface RuleFilter {
  /** member rules */
  readonly size: number;
}

/**
 * A classifier that also answers "first match among these rules", so that lists that select different
 * subsets of one ordered rule set can share one classifier and keep only a filter each.
 */
export interface FilterableClassifier extends Classifier {
  /** Filter of the rules with these indices (any order, duplicates ignored); RangeError outside 0..size-1. */
  filter(rules: readonly number[]): RuleFilter;
  /** match4 among the filter's rules; the filter must come from this classifier. */
  match4In(filter: RuleFilter, src: number, dst: number, proto: number, sport: number, dport: number): number;
  match6In(
    filter: RuleFilter,
    srcWords: ArrayLike<number>,
    srcOff: number,
    dstWords: ArrayLike<number>,
    dstOff: number,
    proto: number,
    sport: number,
    dport: number,
  ): number;
}
