import type { CompiledRule } from '../../compiler/types.js';
import {
  buildClassifier,
  type Classifier,
  type FilterableClassifier,
  type RuleFilter,
} from '../classifier/index.js';

/** A classifier over some of a list's rules, with the rule index (into the rule set) of each. */
interface IndexedClassifier {
  classifier: Classifier;
  ruleIndex: Int32Array;
}

const NONE: IndexedClassifier = {
  classifier: { size: 0, match4: () => -1, match6: () => -1 },
  ruleIndex: new Int32Array(0),
};

/** One classifier over all of a tenant's rules, in rule-set order, built on first use. */
class SharedClassifier {
  readonly #rules: readonly CompiledRule[];
  /** 1 at the index of each jumpToApplication rule */
  readonly jumps: Uint8Array;
  #classifier: FilterableClassifier | null = null;

  constructor(rules: readonly CompiledRule[]) {
    this.#rules = rules;
    this.jumps = Uint8Array.from(rules, (r) => (r.action === 'jumpToApplication' ? 1 : 0));
  }

  get(): FilterableClassifier {
    return (this.#classifier ??= buildClassifier(this.#rules));
  }
}

/** A list's filters over the shared classifier: its rules, and those left for jumpToApplication. */
interface Filters {
  all: RuleFilter;
  application: RuleFilter | null;
}

const isIncreasing = (indices: readonly number[]) => indices.every((x, k) => k === 0 || x > indices[k - 1]!);

/**
 * One distinct ordered rule list of a tenant (indices into its rule set, in evaluation order),
 * shared by every vNIC direction with the same content. A list in rule-set order, as the compiler
 * emits, is evaluated on the tenant's shared classifier through a filter of its rules (a few hundred
 * bytes per thousand rules), so vNICs whose appliedTo selects different subsets of one policy share
 * one classifier. Any other order gets classifiers of its own. Either kind is built on first use: for
 * the whole list, and for its application-category suffix for `jumpToApplication`.
 */
export class RuleList {
  readonly indices: readonly number[];
  readonly #rules: readonly CompiledRule[];
  readonly #shared: SharedClassifier | null;
  readonly #jumps: Uint8Array;
  #filters: Filters | null = null;
  #all: IndexedClassifier | null = null;
  #application: IndexedClassifier | null = null;

  constructor(indices: readonly number[], rules: readonly CompiledRule[], shared: SharedClassifier) {
    this.indices = indices;
    this.#rules = rules;
    this.#shared = isIncreasing(indices) ? shared : null;
    this.#jumps = shared.jumps;
  }

  /** The rule index that decides an IPv4 packet (never a jumpToApplication rule), or -1. */
  match4(src: number, dst: number, proto: number, sport: number, dport: number): number {
    if (this.#shared !== null) {
      const shared = this.#shared.get();
      const filters = (this.#filters ??= this.#filtersOf(shared));
      const index = shared.match4In(filters.all, src, dst, proto, sport, dport);
      if (index < 0 || this.#rules[index]!.action !== 'jumpToApplication') return index;
      return filters.application === null
        ? -1
        : shared.match4In(filters.application, src, dst, proto, sport, dport);
    }
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
    if (this.#shared !== null) {
      const shared = this.#shared.get();
      const filters = (this.#filters ??= this.#filtersOf(shared));
      const index = shared.match6In(filters.all, src, srcOff, dst, dstOff, proto, sport, dport);
      if (index < 0 || this.#rules[index]!.action !== 'jumpToApplication') return index;
      return filters.application === null
        ? -1
        : shared.match6In(filters.application, src, srcOff, dst, dstOff, proto, sport, dport);
    }
    const all = (this.#all ??= this.#build(false));
    const k = all.classifier.match6(src, srcOff, dst, dstOff, proto, sport, dport);
    if (k < 0) return -1;
    const index = all.ruleIndex[k]!;
    if (this.#rules[index]!.action !== 'jumpToApplication') return index;
    const app = (this.#application ??= this.#build(true));
    const j = app.classifier.match6(src, srcOff, dst, dstOff, proto, sport, dport);
    return j < 0 ? -1 : app.ruleIndex[j]!;
  }

  /** Builds the classifiers (or filters) now instead of on the first packet that needs them. */
  warm(): void {
    if (this.#shared !== null) {
      this.#filters ??= this.#filtersOf(this.#shared.get());
      return;
    }
    this.#all ??= this.#build(false);
    if (this.#application === null && this.#hasJump()) this.#application = this.#build(true);
  }

  #isJump(i: number): boolean {
    return this.#jumps[i] === 1;
  }

  #hasJump(): boolean {
    const jumps = this.#jumps;
    for (const i of this.indices) if (jumps[i] === 1) return true;
    return false;
  }

  /**
   * The application suffix leaves out jumpToApplication rules: one there has nothing left to skip,
   * so evaluation just goes on after it, and any earlier application rule did not match anyway.
   */
  #suffix(): readonly number[] {
    const start = this.indices.findIndex((i) => this.#rules[i]!.category === 'application');
    return start < 0 ? [] : this.indices.slice(start).filter((i) => !this.#isJump(i));
  }

  #filtersOf(shared: FilterableClassifier): Filters {
    return {
      all: shared.filter(this.indices),
      application: this.#hasJump() ? shared.filter(this.#suffix()) : null,
    };
  }

  #build(applicationOnly: boolean): IndexedClassifier {
    const chosen = applicationOnly ? this.#suffix() : this.indices;
    if (chosen.length === 0) return NONE;
    return {
      classifier: buildClassifier(chosen.map((i) => this.#rules[i]!)),
      ruleIndex: Int32Array.from(chosen),
    };
  }
}

/**
 * Deduplicates a tenant's rule lists by content, so identical lists share one RuleList, and gives
 * them one shared classifier over the tenant's rules.
 */
export class RuleListCache {
  readonly #rules: readonly CompiledRule[];
  readonly #byContent = new Map<string, RuleList>();
  /** the compiler hands every vNIC with the same list one array: skip joining it again for each */
  readonly #byArray = new Map<readonly number[], RuleList>();
  readonly #shared: SharedClassifier;

  constructor(rules: readonly CompiledRule[]) {
    this.#rules = rules;
    this.#shared = new SharedClassifier(rules);
  }

  get distinct(): number {
    return this.#byContent.size;
  }

  listOf(indices: readonly number[]): RuleList {
    const same = this.#byArray.get(indices);
    if (same) return same;
    const key = indices.join(',');
    let list = this.#byContent.get(key);
    if (!list) {
      for (const i of indices) {
        if (!Number.isInteger(i) || i < 0 || i >= this.#rules.length) {
          throw new RangeError(`rule index ${i} is outside the rule set (${this.#rules.length} rules)`);
        }
      }
      list = new RuleList(indices.slice(), this.#rules, this.#shared);
      this.#byContent.set(key, list);
    }
    this.#byArray.set(indices, list);
    return list;
  }
}
