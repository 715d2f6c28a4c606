import { evaluateCriteria } from './criteria.js';
import type { Group, Workload } from './types.js';

/**
 * Ids of the groups that hold the workload or one of its vNICs (statically, by criteria or through nesting),
 * in input order. Call it with the workload before and after a change to learn which groups changed.
 */
export function groupsContainingWorkload(workload: Workload, groups: readonly Group[]): string[] {
  const vnicIds = new Set(workload.vnics.map((v) => v.id));
  const containing = new Set<string>();
  const pending: string[] = [];
  for (const g of groups) {
    const direct =
      g.members.workloads.includes(workload.id) ||
      g.members.vnics.some((v) => vnicIds.has(v)) ||
      (g.criteria !== undefined && evaluateCriteria(g.criteria, workload));
    if (direct) {
      containing.add(g.id);
      pending.push(g.id);
    }
  }
  const parents = nestingParents(groups);
  while (pending.length > 0) {
    for (const parent of parents.get(pending.pop()!) ?? []) {
      if (!containing.has(parent)) {
        containing.add(parent);
        pending.push(parent);
      }
    }
  }
  return groups.filter((g) => containing.has(g.id)).map((g) => g.id);
}

/** Ids of the groups that nest `groupId` directly. */
export function groupsNesting(groups: readonly Group[], groupId: string): string[] {
  return groups.filter((g) => g.members.groups.includes(groupId)).map((g) => g.id);
}

/** child group id → ids of the groups that nest it directly */
function nestingParents(groups: readonly Group[]): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of groups) {
    for (const child of g.members.groups) {
      const list = parents.get(child);
      if (list) list.push(g.id);
      else parents.set(child, [g.id]);
    }
  }
  return parents;
}
