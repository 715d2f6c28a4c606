import { evaluateCriteria, fieldValues, isConditionNode } from '../policy/criteria.js';
import type { ResolvedGroup } from '../policy/group-resolver.js';
import type { Condition, Criteria, Group, Workload } from '../policy/types.js';
import type { GroupMiss } from './types.js';

/**
 * Why `subject` (an address or vNIC, of `workload` when the inventory holds it) is or is not a member of
 * group `id`; the caller says whether it is.
 */
export function groupMiss(
  id: string,
  text: string,
  member: boolean,
  workload: Workload | null,
  groups: ReadonlyMap<string, Group>,
  resolved: ReadonlyMap<string, ResolvedGroup>,
): GroupMiss {
  const group = groups.get(id);
  const members = resolved.get(id);
  if (member) return { group: id, member, why: `${text} is a member of group "${id}"` };
  const reasons = [`${text} is not among the members of group "${id}"`];
  const out: GroupMiss = { group: id, member, why: '' };
  if (group && workload) {
    const vnics = new Set(workload.vnics.map((v) => v.id));
    if (members?.workloads.includes(workload.id) || members?.vnics.some((v) => vnics.has(v)))
      reasons.push(
        `workload "${workload.id}" is a member, but not through this ${text.startsWith('vNIC') ? 'vNIC' : 'address'}`,
      );
    else {
      reasons.push(`workload "${workload.id}" is not a static member`);
      if (group.criteria) {
        out.failedCriteria = failedConditions(group.criteria, workload, '$');
        reasons.push(`its criteria fail: ${out.failedCriteria.join('; ')}`);
      }
      if (group.members.groups.length > 0)
        reasons.push(
          `nor is it in the nested groups ${group.members.groups.map((g) => `"${g}"`).join(', ')}`,
        );
    }
  } else if (!workload) {
    reasons.push('the address belongs to no workload in the inventory');
  }
  out.why = reasons.join('; ');
  return out;
}

/** The conditions that make `expr` false for the workload, each with its path and the workload's values. */
export function failedConditions(expr: Criteria, w: Workload, path: string): string[] {
  if ('all' in expr)
    return expr.all.flatMap((e, i) =>
      evaluateCriteria(e, w) ? [] : failedConditions(e, w, `${path}.all[${i}]`),
    );
  if ('any' in expr) return expr.any.flatMap((e, i) => failedConditions(e, w, `${path}.any[${i}]`));
  if ('not' in expr) return [`${path}.not: ${describe(expr.not, w)} holds`];
  return [`${path}: ${describe(expr, w)} fails`];
}

function describe(expr: Criteria, w: Workload): string {
  if (!isConditionNode(expr)) return JSON.stringify(expr);
  return `${condition(expr)} (${expr.field} is ${shown(fieldValues(w, expr.field))})`;
}

function condition(c: Condition): string {
  return c.value === undefined ? `${c.field} ${c.op}` : `${c.field} ${c.op} ${JSON.stringify(c.value)}`;
}

function shown(values: readonly string[]): string {
  return values.length === 0 ? 'absent' : values.map((v) => JSON.stringify(v)).join(', ');
}
