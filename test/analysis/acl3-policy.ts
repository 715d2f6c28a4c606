import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceEntry } from '../../src/policy/types.js';
import { classBenchRules } from '../classbench-policy.js';
import { cidrs, policy, rule, tenant, workload } from './fixtures.js';

const DATA = path.join(import.meta.dirname, '../../../shared/classbench');
export const readClassBench = (name: string) => readFileSync(path.join(DATA, name), 'utf8');

/** acl3_10k as one policy on one workload; every third rule drops, so shadowing has other actions to find. */
export function acl3Policy() {
  const text = readClassBench('acl3_10k');
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
