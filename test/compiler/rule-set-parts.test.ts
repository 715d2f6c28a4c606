import { describe, expect, it } from 'vitest';
import { joinRuleSetParts, ruleSetParts } from '../../src/compiler/rule-set-parts.js';
import { packRuleSet, unpackRuleSet } from '../../src/compiler/rule-set-codec.js';
import { bigRuleSet } from './big-rule-set.js';

describe('rule set parts', () => {
  it('leaves a small rule set whole', () => {
    expect(ruleSetParts(bigRuleSet(100, 10))).toBeNull();
  });

  it('splits a large rule set into parts under the budget and joins them back exactly', () => {
    const rs = bigRuleSet(25_000, 40_000);
    const split = ruleSetParts(rs)!;
    expect(split).not.toBeNull();
    expect(split.parts.length).toBeGreaterThan(3);
    for (const p of split.parts) {
      const numbers = (p.sets ?? []).reduce((n, s) => n + s.v4.length + s.v6.length, 0);
      expect(numbers).toBeLessThanOrEqual(1_000_000);
      expect((p.rules ?? []).length).toBeLessThanOrEqual(2_000);
    }
    const back = unpackRuleSet(joinRuleSetParts(split.header, split.parts));
    expect(back).toEqual(rs);
    // shared tables stay shared: one list instance for every vNIC that had the same list
    expect(packRuleSet(back).lists.length).toBe(2);
  });
});
