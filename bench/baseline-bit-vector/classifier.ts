import { AddressIndex4, AddressIndex6, type AddressOwner } from './address-index.js';
import { summaryWordsFor } from '../../src/dataplane/classifier/bit-vector-classes.js';
import { firstCommonBit } from './first-common-bit.js';
import { ServiceIndex, type ServiceOwner } from './service-index.js';
import type { Classifier, ClassifierRule } from '../../src/dataplane/classifier/types.js';
import { validateRules } from '../../src/dataplane/classifier/validate-rules.js';

export {
  ClassifierError,
  type ClassifierErrorCode,
} from '../../src/dataplane/classifier/classifier-error.js';
export type { Classifier, ClassifierRule } from '../../src/dataplane/classifier/types.js';

/**
 * Bit-vector (Lakshman–Stiliadis) classifier with aggregated bit vectors. Each (rule, service entry)
 * pair is a sub-rule bit, in rule order, so the lowest common bit is the first matching rule. Fields:
 * source and destination address per family, destination port, and (protocol, source port).
 */
class BitVectorClassifier implements Classifier {
  readonly size: number;
  #ruleOfBit: Int32Array;
  #words: number;
  #summaryWords: number;
  #src4: AddressIndex4;
  #dst4: AddressIndex4;
  #src6: AddressIndex6;
  #dst6: AddressIndex6;
  #service: ServiceIndex;

  constructor(rules: readonly ClassifierRule[]) {
    validateRules(rules);
    const ruleOfBit: number[] = [];
    const srcOwners: AddressOwner[] = [];
    const dstOwners: AddressOwner[] = [];
    const serviceOwners: ServiceOwner[] = [];
    rules.forEach((rule, r) => {
      const bitLo = ruleOfBit.length;
      const services = rule.services.length === 0 ? [null] : rule.services;
      services.forEach((service, k) => {
        serviceOwners.push({ service, bit: ruleOfBit.length, rule: r, entry: k });
        ruleOfBit.push(r);
      });
      const bitCount = services.length;
      srcOwners.push({ match: rule.src, bitLo, bitCount, rule: r, side: 'src' });
      dstOwners.push({ match: rule.dst, bitLo, bitCount, rule: r, side: 'dst' });
    });
    const words = Math.max(1, Math.ceil(ruleOfBit.length / 32));
    this.size = rules.length;
    this.#ruleOfBit = Int32Array.from(ruleOfBit);
    this.#words = words;
    this.#summaryWords = summaryWordsFor(words);
    this.#src4 = new AddressIndex4(srcOwners, words);
    this.#dst4 = new AddressIndex4(dstOwners, words);
    this.#src6 = new AddressIndex6(srcOwners, words);
    this.#dst6 = new AddressIndex6(dstOwners, words);
    this.#service = new ServiceIndex(serviceOwners, words);
    Object.freeze(this);
  }

  match4(src: number, dst: number, proto: number, sport: number, dport: number): number {
    const service = this.#service;
    const bit = firstCommonBit(
      service.dport,
      service.dportClassOf(dport),
      service.protoSport,
      service.protoSportClassOf(proto, sport),
      this.#dst4,
      this.#dst4.classOf(dst),
      this.#src4,
      this.#src4.classOf(src),
      this.#words,
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
    const service = this.#service;
    const bit = firstCommonBit(
      service.dport,
      service.dportClassOf(dport),
      service.protoSport,
      service.protoSportClassOf(proto, sport),
      this.#dst6,
      this.#dst6.classOf(dstWords, dstOff),
      this.#src6,
      this.#src6.classOf(srcWords, srcOff),
      this.#words,
      this.#summaryWords,
    );
    return bit < 0 ? -1 : this.#ruleOfBit[bit]!;
  }
}

/** Builds an immutable first-match classifier; throws ClassifierError on malformed rules. */
export function buildClassifier(rules: readonly ClassifierRule[]): Classifier {
  return new BitVectorClassifier(rules);
}
