import { NO_RULE } from '../codec/index.js';

/**
 * A flow's RULE word is the admitting rule handle with bit 31 set when the flow was opened by a
 * packet on `in` (clear: `out`). It lives there rather than in flowFlags because the conntrack table
 * keeps only FLOW_TCP_STRICT | FLOW_STATEFUL of the flags a caller passes at insert. The word is
 * persisted and migrated with the flow, so revalidation knows which rule list opened it.
 */
export const FLOW_OPENED_IN = 0x80000000;
const HANDLE_MASK = 0x7fffffff;

export function flowRuleWord(handle: number, dir: number): number {
  return (handle | (dir === 0 ? 0 : FLOW_OPENED_IN)) >>> 0;
}

/** The rule handle of a flow's rule word, NO_RULE when it has none. */
export function flowRuleHandle(word: number): number {
  return word === NO_RULE ? NO_RULE : word & HANDLE_MASK;
}

/** 0 = out, 1 = in, -1 unknown (a flow without a rule, e.g. imported from elsewhere). */
export function flowOpenedDir(word: number): number {
  if (word === NO_RULE) return -1;
  return word & FLOW_OPENED_IN ? 1 : 0;
}
