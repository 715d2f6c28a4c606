import { CATEGORIES, type Policy } from '../policy/types.js';

const CATEGORY_RANK = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]));

/** Policies in evaluation order: category (emergency first), then priority (lower first), then id. */
export function policiesInEvaluationOrder(policies: readonly Policy[]): Policy[] {
  return [...policies].sort(
    (a, b) =>
      CATEGORY_RANK.get(a.category)! - CATEGORY_RANK.get(b.category)! ||
      a.priority - b.priority ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
