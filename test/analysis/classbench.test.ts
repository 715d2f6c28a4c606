import { describe, expect, it } from 'vitest';
import { analyseTenant } from '../../src/analysis/index.js';
import { parseFirstMatch } from '../../src/dataplane/classifier/classbench.js';
import { acl3Policy, readClassBench as read } from './acl3-policy.js';

describe('acl3_10k as one policy', () => {
  it('reports no never-reached rule that is the first match of a trace header', () => {
    const state = acl3Policy();
    const { findings } = analyseTenant({ state, now: 0 });
    const firstMatches = new Set(parseFirstMatch(read('acl3_10k_trace.firstmatch')));
    const never = findings.filter((f) => f.neverReached && f.exact);
    expect(never.length).toBeGreaterThan(0);
    const index = (id: string) => Number(id.slice(1));
    expect(never.filter((f) => firstMatches.has(index(f.rule.rule))).map((f) => f.rule.rule)).toEqual([]);
    // and the trace reaches rules of every other kind of finding, so the check is not empty
    expect(findings.some((f) => !f.neverReached && firstMatches.has(index(f.rule.rule)))).toBe(true);
  }, 600_000);
});
