import { isConditionNode, tagKey } from './criteria.js';
import { complement, difference, EMPTY_SET, type IndexSet, intersect, unionAll } from './index-set.js';
import type { Condition, Criteria, Workload } from './types.js';

/**
 * Inverted index over a tenant's workloads (field → value → workload indices) that evaluates a criteria
 * expression to the set of matching workload indices. equals / in / exists are lookups; startsWith, endsWith
 * and contains scan the distinct values of the field, not the workloads. Agrees with evaluateCriteria.
 */
export class WorkloadIndex {
  readonly size: number;
  private readonly byField = new Map<string, Map<string, number[]>>();
  private readonly byTagKey = new Map<string, number[]>();
  private readonly presentCache = new Map<string, IndexSet>();
  private readonly sortedValues = new Map<string, string[]>();

  constructor(workloads: readonly Workload[]) {
    this.size = workloads.length;
    workloads.forEach((w, i) => {
      this.add('name', w.name, i);
      if (w.os !== undefined) this.add('os', w.os, i);
      if (w.user !== undefined) this.add('user', w.user, i);
      this.add('hypervisor', w.hypervisor, i);
      for (const tag of w.tags) {
        this.add('tag', tag, i);
        pushOnce(getOrCreate(this.byTagKey, tagKey(tag)), i);
      }
      for (const [key, value] of Object.entries(w.attributes)) this.add(`attributes.${key}`, value, i);
    });
  }

  match(expr: Criteria): IndexSet {
    if ('all' in expr) return this.matchAll(expr.all);
    if ('any' in expr)
      return unionAll(
        expr.any.map((e) => this.match(e)),
        this.size,
      );
    if ('not' in expr) return complement(this.match(expr.not), this.size);
    return this.matchCondition(expr);
  }

  private matchAll(children: readonly Criteria[]): IndexSet {
    const positive: IndexSet[] = [];
    const negative: IndexSet[] = [];
    for (const child of children) {
      if (!isConditionNode(child) && 'not' in child) negative.push(this.match(child.not));
      else positive.push(this.match(child));
    }
    if (positive.length === 0) return complement(unionAll(negative, this.size), this.size);
    positive.sort((a, b) => a.length - b.length);
    let result = positive[0]!;
    for (let i = 1; i < positive.length && result.length > 0; i++) result = intersect(result, positive[i]!);
    for (let i = 0; i < negative.length && result.length > 0; i++) result = difference(result, negative[i]!);
    return result;
  }

  private matchCondition(c: Condition): IndexSet {
    const values = this.byField.get(c.field);
    const text = typeof c.value === 'string' ? c.value : '';
    switch (c.op) {
      case 'equals':
        return values?.get(text) ?? EMPTY_SET;
      case 'notEquals':
        return complement(values?.get(text) ?? EMPTY_SET, this.size);
      case 'in': {
        const list = Array.isArray(c.value) ? c.value : [];
        return unionAll(
          list.map((v) => values?.get(v) ?? EMPTY_SET),
          this.size,
        );
      }
      case 'startsWith':
        return this.prefixed(c.field, values, text);
      case 'endsWith':
        return this.scan(values, (v) => v.endsWith(text));
      case 'contains':
        return this.scan(values, (v) => v.includes(text));
      case 'exists':
        return this.present(c);
      case 'notExists':
        return complement(this.present(c), this.size);
    }
  }

  private scan(values: Map<string, number[]> | undefined, test: (value: string) => boolean): IndexSet {
    if (!values) return EMPTY_SET;
    const hits: IndexSet[] = [];
    for (const [value, members] of values) if (test(value)) hits.push(members);
    return unionAll(hits, this.size);
  }

  /** The distinct values with a prefix are adjacent in sorted order. */
  private prefixed(field: string, values: Map<string, number[]> | undefined, prefix: string): IndexSet {
    if (!values) return EMPTY_SET;
    let sorted = this.sortedValues.get(field);
    if (!sorted) this.sortedValues.set(field, (sorted = [...values.keys()].sort()));
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    const hits: IndexSet[] = [];
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++)
      hits.push(values.get(sorted[i]!)!);
    return unionAll(hits, this.size);
  }

  private present(c: Condition): IndexSet {
    if (c.field === 'tag') return this.byTagKey.get(typeof c.value === 'string' ? c.value : '') ?? EMPTY_SET;
    let cached = this.presentCache.get(c.field);
    if (!cached) {
      cached = unionAll([...(this.byField.get(c.field)?.values() ?? [])], this.size);
      this.presentCache.set(c.field, cached);
    }
    return cached;
  }

  private add(field: string, value: string, i: number): void {
    let values = this.byField.get(field);
    if (!values) this.byField.set(field, (values = new Map()));
    pushOnce(getOrCreate(values, value), i);
  }
}

function getOrCreate(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/** Indices arrive in increasing order, so a duplicate can only be the last element. */
function pushOnce(list: number[], i: number): void {
  if (list[list.length - 1] !== i) list.push(i);
}
