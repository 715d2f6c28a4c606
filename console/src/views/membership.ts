import { evaluateCriteria, isConditionNode } from '../../../src/policy/criteria.js';
import type { Criteria, Group, Workload } from '../../../src/policy/types.js';

export function criteriaText(c: Criteria): string {
  if ('all' in c) return c.all.length ? `(${c.all.map(criteriaText).join(' and ')})` : 'true';
  if ('any' in c) return c.any.length ? `(${c.any.map(criteriaText).join(' or ')})` : 'false';
  if ('not' in c) return `not ${criteriaText(c.not)}`;
  const value = c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`;
  return `${c.field} ${c.op}${value}`;
}

/** The conditions that hold for the workload, the ones that make a matching expression true. */
function holding(c: Criteria, w: Workload): string[] {
  if (isConditionNode(c)) return evaluateCriteria(c, w) ? [criteriaText(c)] : [];
  if ('not' in c) return evaluateCriteria(c, w) ? [criteriaText(c)] : [];
  const parts = 'all' in c ? c.all : c.any;
  return parts.filter((p) => evaluateCriteria(p, w)).flatMap((p) => holding(p, w));
}

/** Why the workload is a member of the group: each static listing, nested group and matched criterion. */
export function whyMember(
  group: Group,
  w: Workload,
  groups: Map<string, Group>,
  seen = new Set<string>(),
): string[] {
  if (seen.has(group.id)) return [];
  seen.add(group.id);
  const why: string[] = [];
  const m = group.members;
  if (m.workloads.includes(w.id)) why.push('listed as a workload member');
  for (const v of w.vnics) if (m.vnics.includes(v.id)) why.push(`its vNIC ${v.id} is listed`);
  for (const nested of m.groups) {
    const g = groups.get(nested);
    if (g && whyMember(g, w, groups, seen).length) why.push(`member of nested group ${nested}`);
  }
  if (group.criteria && evaluateCriteria(group.criteria, w))
    why.push(`criteria match: ${holding(group.criteria, w).join('; ') || criteriaText(group.criteria)}`);
  return why;
}
