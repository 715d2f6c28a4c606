import { AddressIndex4, AddressIndex6, type AddressOwner } from './address-index.js';
import { chunkField, chunkShape, type ChunkedField } from './chunked-field.js';
import { firstCommonBit, firstCommonBit4 } from './first-common-bit.js';
import { ServiceIndex, type ServiceOwner } from './service-index.js';
import type { ClassifierRule, FilterableClassifier, RuleFilter } from './types.js';
import { validateRules } from './validate-rules.js';

export { ClassifierError, type ClassifierErrorCode } from './classifier-error.js';
export type { Classifier, ClassifierRule, FilterableClassifier, RuleFilter } from './types.js';

const NO_SUMMARIES = new Int32Array(0);

class ChunkFilter implements RuleFilter {
  readonly size: number;
  readonly owner: object;
  readonly field: ChunkedField;

  constructor(size: number, owner: object, field: ChunkedField) {
    this.size = size;
    this.owner = owner;
    this.field = field;
  }
}

/**
 * Bit-vector (Lakshman–Stiliadis) classifier with chunked, deduplicated aggregated bit vectors. Each
 * (rule, service entry) pair is a sub-rule bit, in rule order, so the lowest common bit is the first
 * matching rule. Fields: source and destination address per family, destination port, and (protocol,
 * source port). Each field's class vectors are cut into chunks of 256 bits that are stored once per
 * distinct content: a prefix field's classes differ only in the chunks of the rules whose prefixes
 * separate them, so this keeps a fraction of the C x R bits of plain bit vectors; the per-class chunk
 * masks are a second level of aggregation that skips chunks empty in any field.
 */
class ChunkedBitVectorClassifier implements FilterableClassifier {
  readonly size: number;
  readonly #ruleOfBit: Int32Array;
  /** rule r owns bits [#bitLo[r], #bitLo[r + 1]) */
  readonly #bitLo: Int32Array;
  readonly #words: number;
  readonly #chunks: number;
  readonly #summaryWords: number;
  readonly #src4: AddressIndex4;
  readonly #dst4: AddressIndex4;
  readonly #src6: AddressIndex6;
  readonly #dst6: AddressIndex6;
  readonly #service: ServiceIndex;
  readonly #all: ChunkedField;

  constructor(rules: readonly ClassifierRule[]) {
    validateRules(rules);
    const ruleOfBit: number[] = [];
    const bitLo = new Int32Array(rules.length + 1);
    const srcOwners: AddressOwner[] = [];
    const dstOwners: AddressOwner[] = [];
    const serviceOwners: ServiceOwner[] = [];
    rules.forEach((rule, r) => {
      const lo = ruleOfBit.length;
      const services = rule.services.length === 0 ? [null] : rule.services;
      services.forEach((service, k) => {
        serviceOwners.push({ service, bit: ruleOfBit.length, rule: r, entry: k });
        ruleOfBit.push(r);
      });
      bitLo[r] = lo;
      srcOwners.push({ match: rule.src, bitLo: lo, bitCount: services.length, rule: r, side: 'src' });
      dstOwners.push({ match: rule.dst, bitLo: lo, bitCount: services.length, rule: r, side: 'dst' });
    });
    bitLo[rules.length] = ruleOfBit.length;
    const words = Math.max(1, Math.ceil(ruleOfBit.length / 32));
    this.size = rules.length;
    this.#ruleOfBit = Int32Array.from(ruleOfBit);
    this.#bitLo = bitLo;
    this.#words = words;
    ({ chunks: this.#chunks, summaryWords: this.#summaryWords } = chunkShape(words));
    this.#src4 = new AddressIndex4(srcOwners, words);
    this.#dst4 = new AddressIndex4(dstOwners, words);
    this.#src6 = new AddressIndex6(srcOwners, words);
    this.#dst6 = new AddressIndex6(dstOwners, words);
    this.#service = new ServiceIndex(serviceOwners, words);
    this.#all = this.#filterField(rules.map((_, r) => r));
    Object.freeze(this);
  }

  match4(src: number, dst: number, proto: number, sport: number, dport: number): number {
    const service = this.#service;
    const bit = firstCommonBit4(
      service.dport,
      service.dportClassOf(dport),
      service.protoSport,
      service.protoSportClassOf(proto, sport),
      this.#dst4.field,
      this.#dst4.classOf(dst),
      this.#src4.field,
      this.#src4.classOf(src),
      this.#chunks,
      this.#summaryWords,
    );
    return bit < 0 ? -1 : this.#ruleOfBit[bit]!;
  }

  match6(
    srcWords: ArrayLike<number>,
    srcOff: number,
    dstWords: ArrayLike<number>,
    dstOff: number,
    proto: number,
    sport: number,
    dport: number,
  ): number {
    return this.#match6(this.#all, srcWords, srcOff, dstWords, dstOff, proto, sport, dport);
  }

  filter(rules: readonly number[]): RuleFilter {
    const members = new Set<number>();
    for (const r of rules) {
      if (!Number.isInteger(r) || r < 0 || r >= this.size) {
        throw new RangeError(`rule index ${r} is outside the classifier (${this.size} rules)`);
      }
      members.add(r);
    }
    return new ChunkFilter(members.size, this, this.#filterField(members));
  }

  match4In(
    filter: RuleFilter,
    src: number,
    dst: number,
    proto: number,
    sport: number,
    dport: number,
  ): number {
    return this.#match4(this.#own(filter), src, dst, proto, sport, dport);
  }

  match6In(
    filter: RuleFilter,
    srcWords: ArrayLike<number>,
    srcOff: number,
    dstWords: ArrayLike<number>,
    dstOff: number,
    proto: number,
    sport: number,
    dport: number,
  ): number {
    return this.#match6(this.#own(filter), srcWords, srcOff, dstWords, dstOff, proto, sport, dport);
  }

  #own(filter: RuleFilter): ChunkedField {
    if (!(filter instanceof ChunkFilter) || filter.owner !== this) {
      throw new TypeError('the filter was made by another classifier');
    }
    return filter.field;
  }

  #filterField(rules: Iterable<number>): ChunkedField {
    const vector = new Int32Array(this.#words);
    for (const r of rules)
      for (let b = this.#bitLo[r]!; b < this.#bitLo[r + 1]!; b++) vector[b >>> 5]! |= 1 << (b & 31);
    return chunkField({ vectors: vector, summaries: NO_SUMMARIES }, 1, this.#words);
  }

  #match4(
    filter: ChunkedField,
    src: number,
    dst: number,
    proto: number,
    sport: number,
    dport: number,
  ): number {
    const service = this.#service;
    const bit = firstCommonBit(
      service.dport,
      service.dportClassOf(dport),
      service.protoSport,
      service.protoSportClassOf(proto, sport),
      this.#dst4.field,
      this.#dst4.classOf(dst),
      this.#src4.field,
      this.#src4.classOf(src),
      filter,
      this.#chunks,
      this.#summaryWords,
    );
    return bit < 0 ? -1 : this.#ruleOfBit[bit]!;
  }

  #match6(
    filter: ChunkedField,
    srcWords: ArrayLike<number>,
    srcOff: number,
    dstWords: ArrayLike<number>,
    dstOff: number,
    proto: number,
    sport: number,
    dport: number,
  ): number {
    const service = this.#service;
    const bit = firstCommonBit(
      service.dport,
      service.dportClassOf(dport),
      service.protoSport,
      service.protoSportClassOf(proto, sport),
      this.#dst6.field,
      this.#dst6.classOf(dstWords, dstOff),
      this.#src6.field,
      this.#src6.classOf(srcWords, srcOff),
      filter,
      this.#chunks,
      this.#summaryWords,
    );
    return bit < 0 ? -1 : this.#ruleOfBit[bit]!;
  }
}

/** Builds an immutable first-match classifier; throws ClassifierError on malformed rules. */
export function buildClassifier(rules: readonly ClassifierRule[]): FilterableClassifier {
  return new ChunkedBitVectorClassifier(rules);
}
