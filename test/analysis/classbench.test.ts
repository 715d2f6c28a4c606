import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseTenant } from '../../src/analysis/index.js';
import { parseFirstMatch } from '../../src/dataplane/classifier/classbench.js';
import type { ServiceEntry } from '../../src/policy/types.js';
import { classBenchRules } from '../classbench-policy.js';
import { cidrs, policy, rule, tenant, workload } from './fixtures.js';

const DATA = path.join(import.meta.dirname, '../../../shared/classbench');
const read = (name: string) => readFileSync(path.join(DATA, name), 'utf8');

/** acl3_10k as one policy; every third rule drops, so shadowing has other actions to find. */
export function acl3Policy() {
  const text = read('acl3_10k');
  const count = text.split('\n').filter((l) => l.trim() !== '').length;
  const rules = classBenchRules(text, count).map((r, i) =>
    rule(r.id, i % 3 === 1 ? 'drop' : 'allow', {
      sources: cidrs(...r.sources.cidrs),
      destinations: cidrs(...r.destinations.cidrs),
      services: r.services as ServiceEntry[],
    }),
  );
  return tenant([policy('acl3', rules)], { workloads: [workload('w', ['10.0.0.1'])], groups: [] });
}

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
