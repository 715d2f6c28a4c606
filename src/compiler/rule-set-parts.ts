import { packRuleSet, type StoredRuleSet } from './rule-set-codec.js';
import type { CompiledRuleSet } from './types.js';

/** One message's worth of a stored rule set: tables are appended in order. */
export interface RuleSetPart {
  sets?: StoredRuleSet['sets'];
  lists?: StoredRuleSet['lists'];
  rules?: StoredRuleSet['rules'];
  vnics?: StoredRuleSet['vnics'];
}

export type RuleSetHeader = Omit<StoredRuleSet, 'sets' | 'lists' | 'rules' | 'vnics'>;

/** Numbers per part: far below the 32 MiB limit of one RPC message, whatever their encoding. */
const NUMBERS_PER_PART = 1_000_000;
const ROWS_PER_PART = 2_000;

function split<T>(items: T[], weight: (item: T) => number, budget: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length > 0 && used + w > budget) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += w;
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * A compiled rule set as a header and parts small enough for one RPC message each, or null when the
 * whole set fits in one message anyway.
 */
export function ruleSetParts(rs: CompiledRuleSet): { header: RuleSetHeader; parts: RuleSetPart[] } | null {
  const { sets, lists, rules, vnics, ...header } = packRuleSet(rs);
  const numbers =
    sets.reduce((n, s) => n + s.v4.length + s.v6.length, 0) + lists.reduce((n, l) => n + l.length, 0);
  if (numbers < NUMBERS_PER_PART && rules.length < 10 * ROWS_PER_PART) return null;
  const parts: RuleSetPart[] = [
    ...split(sets, (s) => s.v4.length + s.v6.length + 1, NUMBERS_PER_PART).map((p) => ({ sets: p })),
    ...split(lists, (l) => l.length + 1, NUMBERS_PER_PART).map((p) => ({ lists: p })),
    ...split(rules, () => 1, ROWS_PER_PART).map((p) => ({ rules: p })),
    ...split(vnics, () => 1, ROWS_PER_PART).map((p) => ({ vnics: p })),
  ];
  return { header, parts };
}

/** Reassembles what ruleSetParts split. */
export function joinRuleSetParts(header: RuleSetHeader, parts: readonly RuleSetPart[]): StoredRuleSet {
  const stored: StoredRuleSet = { ...header, sets: [], lists: [], rules: [], vnics: [] };
  for (const p of parts) {
    if (p.sets) stored.sets.push(...p.sets);
    if (p.lists) stored.lists.push(...p.lists);
    if (p.rules) stored.rules.push(...p.rules);
    if (p.vnics) stored.vnics.push(...p.vnics);
  }
  return stored;
}
