import type { CompiledRule } from '../../compiler/types.js';
import { buildClassifier, type Classifier } from '../classifier/index.js';

/** A classifier over some of a list's rules, with the rule index (into the rule set) of each. */
interface IndexedClassifier {
  classifier: Classifier;
  ruleIndex: Int32Array;
}

const NONE: IndexedClassifier = {
  classifier: { size: 0, match4: () => -1, match6: () => -1 },
  ruleIndex: new Int32Array(0),
};

/**
 * One distinct ordered rule list of a tenant (indices into its rule set, in evaluation order),
 * shared by every vNIC direction with the same content. Classifiers are built on first use: one over
 * the whole list, and one over its application-category suffix for `jumpToApplication`.
 */
export class RuleList {
  readonly indices: readonly number[];
  readonly #rules: readonly CompiledRule[];
  #all: IndexedClassifier | null = null;
  #application: IndexedClassifier | null = null;

  constructor(indices: readonly number[], rules: readonly CompiledRule[]) {
    this.indices = indices;
    this.#rules = rules;
  }

  /** The rule index that decides an IPv4 packet (never a jumpToApplication rule), or -1. */
  match4(src: number, dst: number, proto: number, sport: number, dport: number): number {
    const all = (this.#all ??= this.#build(false));
    const k = all.classifier.match4(src, dst, proto, sport, dport);
    if (k < 0) return -1;
    const index = all.ruleIndex[k]!;
    if (this.#rules[index]!.action !== 'jumpToApplication') return index;
    const app = (this.#application ??= this.#build(true));
    const j = app.classifier.match4(src, dst, proto, sport, dport);
    return j < 0 ? -1 : app.ruleIndex[j]!;
  }

  match6(
    src: ArrayLike<number>,
    srcOff: number,
    dst: ArrayLike<number>,
    dstOff: number,
    proto: number,
    sport: number,
    dport: number,
  ): number {
    const all = (this.#all ??= this.#build(false));
    const k = all.classifier.match6(src, srcOff, dst, dstOff, proto, sport, dport);
    if (k < 0) return -1;
    const index = all.ruleIndex[k]!;
    if (this.#rules[index]!.action !== 'jumpToApplication') return index;
    const app = (this.#application ??= this.#build(true));
    const j = app.classifier.match6(src, srcOff, dst, dstOff, proto, sport, dport);
    return j < 0 ? -1 : app.ruleIndex[j]!;
  }

  /** Builds the classifiers now instead of on the first packet that needs them. */
  warm(): void {
    this.#all ??= this.#build(false);
    if (
      this.#application === null &&
      this.indices.some((i) => this.#rules[i]!.action === 'jumpToApplication')
    )
      this.#application = this.#build(true);
  }

  /**
   * The application suffix leaves out jumpToApplication rules: one there has nothing left to skip,
   * so evaluation just goes on after it, and any earlier application rule did not match anyway.
   */
  #build(applicationOnly: boolean): IndexedClassifier {
    let chosen = this.indices;
    if (applicationOnly) {
      const start = chosen.findIndex((i) => this.#rules[i]!.category === 'application');
      chosen =
        start < 0 ? [] : chosen.slice(start).filter((i) => this.#rules[i]!.action !== 'jumpToApplication');
    }
    if (chosen.length === 0) return NONE;
    return {
      classifier: buildClassifier(chosen.map((i) => this.#rules[i]!)),
      ruleIndex: Int32Array.from(chosen),
    };
  }
}

/** Deduplicates a tenant's rule lists by content, so identical lists share one classifier. */
export class RuleListCache {
  readonly #rules: readonly CompiledRule[];
  readonly #byContent = new Map<string, RuleList>();

  constructor(rules: readonly CompiledRule[]) {
    this.#rules = rules;
  }

  get distinct(): number {
    return this.#byContent.size;
  }

  listOf(indices: readonly number[]): RuleList {
    const key = indices.join(',');
    let list = this.#byContent.get(key);
    if (!list) {
      for (const i of indices) {
        if (!Number.isInteger(i) || i < 0 || i >= this.#rules.length) {
          throw new RangeError(`rule index ${i} is outside the rule set (${this.#rules.length} rules)`);
        }
      }
      list = new RuleList(indices.slice(), this.#rules);
      this.#byContent.set(key, list);
    }
    return list;
  }
}
