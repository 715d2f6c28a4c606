import { canonicalJson } from './canonical-json.js';
import type { Group, Policy, Service } from './types.js';

export type AppObjectKind = 'group' | 'service' | 'policy';

export interface AppObjectRef {
  kind: AppObjectKind;
  id: string;
}

/** What an app owns now. */
export interface AppOwnedObjects {
  groups: readonly Group[];
  services: readonly Service[];
  policies: readonly Policy[];
}

/** The desired state of an app, objects keyed by id (normalized: defaults filled in, as stored). */
export interface AppBundle {
  groups: Record<string, Omit<Group, 'id'>>;
  services: Record<string, Omit<Service, 'id'>>;
  policies: Record<string, Omit<Policy, 'id'>>;
}

export interface AppDiff {
  created: AppObjectRef[];
  updated: AppObjectRef[];
  deleted: AppObjectRef[];
  unchanged: AppObjectRef[];
}

/**
 * Compares what an app owns with its desired bundle. Objects are compared as canonical JSON without `id` and
 * `app` (ownership is implied). Refs come grouped by kind (groups, services, policies), ids sorted.
 */
export function diffApp(current: AppOwnedObjects, desired: AppBundle): AppDiff {
  const diff: AppDiff = { created: [], updated: [], deleted: [], unchanged: [] };
  diffKind(diff, 'group', current.groups, desired.groups);
  diffKind(diff, 'service', current.services, desired.services);
  diffKind(diff, 'policy', current.policies, desired.policies);
  return diff;
}

export function isEmptyDiff(diff: AppDiff): boolean {
  return diff.created.length === 0 && diff.updated.length === 0 && diff.deleted.length === 0;
}

function diffKind(
  diff: AppDiff,
  kind: AppObjectKind,
  current: readonly { id: string }[],
  desired: Record<string, object>,
): void {
  const existing = new Map(current.map((o) => [o.id, o]));
  const ids = [...new Set([...existing.keys(), ...Object.keys(desired)])].sort();
  for (const id of ids) {
    const before = existing.get(id);
    const after = Object.hasOwn(desired, id) ? desired[id] : undefined;
    if (!after) diff.deleted.push({ kind, id });
    else if (!before) diff.created.push({ kind, id });
    else if (comparable(before) === comparable(after)) diff.unchanged.push({ kind, id });
    else diff.updated.push({ kind, id });
  }
}

function comparable(object: object): string {
  const { id: _id, app: _app, ...rest } = object as Record<string, unknown>;
  return canonicalJson(rest);
}
