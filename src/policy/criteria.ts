import { PolicyError } from './policy-error.js';
import { CRITERIA_FIELDS, CRITERIA_OPS, type Condition, type Criteria, type Workload } from './types.js';

/*
 * Semantics, as NSX tag and Calico label selectors behave:
 * - Single-valued fields (name, os, user, hypervisor, attributes.<key>) may be absent. `exists` means present;
 *   `notEquals` and `notExists` match workloads without the field (Calico's `k != v`).
 * - `tag` is multi-valued over entries "key" or "key=value". `equals`/`in` compare whole entries: `equals "k"`
 *   matches only the bare tag "k", `equals "k=v"` only "k=v". `exists "k"` matches the bare tag "k" or any
 *   "k=...". startsWith/endsWith/contains match when any entry does; `notEquals`/`notExists` negate
 *   `equals`/`exists`.
 */

const ATTRIBUTE_PREFIX = 'attributes.';
export const MAX_DEPTH = 32;

export function isConditionNode(expr: Criteria): expr is Condition {
  return 'field' in expr;
}

/** The workload's values of `field`: [] when absent, one value for scalar fields, all entries for `tag`. */
export function fieldValues(workload: Workload, field: string): readonly string[] {
  if (field === 'tag') return workload.tags;
  let value: string | undefined;
  if (field.startsWith(ATTRIBUTE_PREFIX)) {
    const key = field.slice(ATTRIBUTE_PREFIX.length);
    value = Object.hasOwn(workload.attributes, key) ? workload.attributes[key] : undefined;
  } else if (field === 'name' || field === 'os' || field === 'user' || field === 'hypervisor') {
    value = workload[field];
  }
  return value === undefined ? [] : [value];
}

/** The key of a tag entry: "k" for "k" and for "k=v". */
export function tagKey(tag: string): string {
  const eq = tag.indexOf('=');
  return eq < 0 ? tag : tag.slice(0, eq);
}

export function evaluateCriteria(expr: Criteria, workload: Workload): boolean {
  if ('all' in expr) return expr.all.every((e) => evaluateCriteria(e, workload));
  if ('any' in expr) return expr.any.some((e) => evaluateCriteria(e, workload));
  if ('not' in expr) return !evaluateCriteria(expr.not, workload);
  return evaluateCondition(expr, workload);
}

function evaluateCondition(c: Condition, workload: Workload): boolean {
  const values = fieldValues(workload, c.field);
  const text = typeof c.value === 'string' ? c.value : '';
  switch (c.op) {
    case 'equals':
      return values.includes(text);
    case 'notEquals':
      return !values.includes(text);
    case 'startsWith':
      return values.some((v) => v.startsWith(text));
    case 'endsWith':
      return values.some((v) => v.endsWith(text));
    case 'contains':
      return values.some((v) => v.includes(text));
    case 'in': {
      const list = Array.isArray(c.value) ? c.value : [];
      return values.some((v) => list.includes(v));
    }
    case 'exists':
      return conditionExists(c, values);
    case 'notExists':
      return !conditionExists(c, values);
  }
}

function conditionExists(c: Condition, values: readonly string[]): boolean {
  if (c.field !== 'tag') return values.length > 0;
  return values.some((tag) => tagKey(tag) === c.value);
}

/** Throws PolicyError 'invalid-criteria' with `details.path` (e.g. "$.all[1].not") naming the bad node. */
export function validateCriteria(expr: unknown, path = '$'): void {
  validateNode(expr, path, 0);
}

function validateNode(expr: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw invalid(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (typeof expr !== 'object' || expr === null || Array.isArray(expr))
    throw invalid(path, 'expected an object');
  const keys = Object.keys(expr).filter((k) => (expr as Record<string, unknown>)[k] !== undefined);
  const node = expr as Record<string, unknown>;
  for (const combinator of ['all', 'any'] as const) {
    if (!(combinator in node)) continue;
    if (keys.length !== 1) throw invalid(path, `"${combinator}" must be the only key`);
    const list = node[combinator];
    if (!Array.isArray(list) || list.length === 0)
      throw invalid(path, `"${combinator}" needs a non-empty list`);
    list.forEach((child, i) => validateNode(child, `${path}.${combinator}[${i}]`, depth + 1));
    return;
  }
  if ('not' in node) {
    if (keys.length !== 1) throw invalid(path, '"not" must be the only key');
    validateNode(node.not, `${path}.not`, depth + 1);
    return;
  }
  validateCondition(node, keys, path);
}

function validateCondition(node: Record<string, unknown>, keys: string[], path: string): void {
  const extra = keys.find((k) => k !== 'field' && k !== 'op' && k !== 'value');
  if (extra !== undefined) throw invalid(path, `unexpected key "${extra}"`);
  const { field, op, value } = node;
  if (!isValidField(field)) throw invalid(path, `unknown field ${JSON.stringify(field)}`);
  if (!(CRITERIA_OPS as readonly unknown[]).includes(op))
    throw invalid(path, `unknown op ${JSON.stringify(op)}`);
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
      throw invalid(path, '"in" needs a non-empty list of strings');
    }
  } else if ((op === 'exists' || op === 'notExists') && field !== 'tag') {
    if (value !== undefined) throw invalid(path, `"${op}" on ${field} takes no value`);
  } else if (typeof value !== 'string') {
    throw invalid(path, `"${String(op)}" on ${field} needs a string value`);
  } else if (field === 'tag' && (op === 'exists' || op === 'notExists') && value.includes('=')) {
    throw invalid(path, `"${op}" on tag takes a key without "="`);
  }
}

function isValidField(field: unknown): field is string {
  if (typeof field !== 'string') return false;
  if ((CRITERIA_FIELDS as readonly string[]).includes(field)) return true;
  return field.startsWith(ATTRIBUTE_PREFIX) && field.length > ATTRIBUTE_PREFIX.length;
}

function invalid(path: string, reason: string): PolicyError {
  return new PolicyError('invalid-criteria', `invalid criteria at ${path}: ${reason}`, { path, reason });
}
