import { canonicalJson } from '../../policy/canonical-json.js';
import type { Workload } from '../../policy/types.js';

/** A workload of the tenant as stored, with the source that syncs it (null: written through the API). */
export interface OwnedWorkload {
  workload: Workload;
  source: string | null;
}

export interface SyncMove {
  id: string;
  from: string;
  to: string;
}

/** A desired workload, or one of its vNICs, that another writer holds. */
export type SyncConflict =
  | { kind: 'workload'; id: string; owner: string | null }
  | { kind: 'vnic'; id: string; workload: string; owner: string | null };

/** A body the planner refuses before looking at the tenant: ids given twice. */
export type SyncInvalid =
  | { kind: 'duplicate-workload'; id: string; index: number }
  | { kind: 'duplicate-vnic'; id: string; workload: string; index: number; other: string };

export interface SyncPlan {
  /** ids in ascending order; `moved` workloads changed hypervisor (and possibly more) */
  created: string[];
  updated: string[];
  moved: SyncMove[];
  deleted: string[];
  unchanged: number;
  conflicts: SyncConflict[];
  /** what to write: created, updated and moved workloads, in id order */
  writes: Workload[];
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first id given twice in the body (a workload, or a vNIC across all desired workloads). */
export function invalidSyncBody(desired: readonly Workload[]): SyncInvalid | null {
  const workloads = new Map<string, number>();
  const vnics = new Map<string, string>();
  for (const [index, w] of desired.entries()) {
    if (workloads.has(w.id)) return { kind: 'duplicate-workload', id: w.id, index };
    workloads.set(w.id, index);
    for (const v of w.vnics) {
      const other = vnics.get(v.id);
      if (other !== undefined) return { kind: 'duplicate-vnic', id: v.id, workload: w.id, index, other };
      vnics.set(v.id, w.id);
    }
  }
  return null;
}

/**
 * The changes that make the workloads `source` owns equal `desired`, touching nothing another writer
 * owns: a desired id or vNIC held by a workload of another owner is a conflict (and nothing may be
 * applied). A vNIC may pass between workloads of the source. Deterministic: every list in id order.
 */
export function planSync(
  source: string,
  current: readonly OwnedWorkload[],
  desired: readonly Workload[],
): SyncPlan {
  const existing = new Map(current.map((c) => [c.workload.id, c]));
  const wanted = new Set(desired.map((w) => w.id));
  const vnicHolder = new Map<string, OwnedWorkload>();
  for (const c of current) for (const v of c.workload.vnics) vnicHolder.set(v.id, c);

  const plan: SyncPlan = {
    created: [],
    updated: [],
    moved: [],
    deleted: [],
    unchanged: 0,
    conflicts: [],
    writes: [],
  };
  for (const w of [...desired].sort((a, b) => byId(a.id, b.id))) {
    const before = existing.get(w.id);
    if (before && before.source !== source) {
      plan.conflicts.push({ kind: 'workload', id: w.id, owner: before.source });
      continue;
    }
    for (const v of w.vnics) {
      const holder = vnicHolder.get(v.id);
      if (holder && holder.source !== source && holder.workload.id !== w.id)
        plan.conflicts.push({ kind: 'vnic', id: v.id, workload: holder.workload.id, owner: holder.source });
    }
    if (!before) {
      plan.created.push(w.id);
      plan.writes.push(w);
    } else if (before.workload.hypervisor !== w.hypervisor) {
      plan.moved.push({ id: w.id, from: before.workload.hypervisor, to: w.hypervisor });
      plan.writes.push(w);
    } else if (canonicalJson(before.workload) !== canonicalJson(w)) {
      plan.updated.push(w.id);
      plan.writes.push(w);
    } else plan.unchanged++;
  }
  for (const c of current)
    if (c.source === source && !wanted.has(c.workload.id)) plan.deleted.push(c.workload.id);
  plan.deleted.sort(byId);
  return plan;
}

export const syncChanges = (p: SyncPlan) =>
  p.created.length + p.updated.length + p.moved.length + p.deleted.length;
