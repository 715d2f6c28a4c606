import { BUILTIN_SERVICES } from '../policy/builtin-services.js';
import type { Group } from '../policy/types.js';
import { PolicyError } from '../policy/policy-error.js';
import { resolveGroups } from '../policy/group-resolver.js';
import type { Db } from '../store/db.js';
import { loadAllGroups } from '../store/groups.js';
import { referrers } from '../store/references.js';
import { getAppSpec } from '../store/apps.js';
import { objectIds } from '../store/object-ids.js';
import { conflict, unprocessable } from './errors.js';

export interface NamedReference {
  id: string;
  /** where the reference stands, e.g. body.rules[2].sources.groups */
  at: string;
}

export async function assertGroupsExist(db: Db, tenant: string, refs: NamedReference[]): Promise<void> {
  if (refs.length === 0) return;
  const known = await objectIds(db, tenant, 'group');
  const missing = refs.find((r) => !known.has(r.id));
  if (missing)
    throw unprocessable('unknown-group', `${missing.at}: group "${missing.id}" does not exist`, {
      group: missing.id,
    });
}

export async function assertServicesExist(db: Db, tenant: string, refs: NamedReference[]): Promise<void> {
  if (refs.length === 0) return;
  const known = await objectIds(db, tenant, 'service');
  const missing = refs.find((r) => !known.has(r.id) && !(r.id in BUILTIN_SERVICES));
  if (missing)
    throw unprocessable('unknown-service', `${missing.at}: service "${missing.id}" does not exist`, {
      service: missing.id,
    });
}

export async function assertAppExists(db: Db, tenant: string, app: string | undefined): Promise<void> {
  if (!app) return;
  if (!(await getAppSpec(db, tenant, app)))
    throw unprocessable('unknown-app', `body.app: app "${app}" does not exist`, { app });
}

/** Nested groups must exist and must not form a cycle with the rest of the tenant's groups. */
export function assertGroupGraph(all: readonly Group[], next: Group): void {
  const graph = [...all.filter((g) => g.id !== next.id), next];
  try {
    resolveGroups([], graph, { only: [next.id] });
  } catch (err) {
    if (err instanceof PolicyError && (err.code === 'group-cycle' || err.code === 'unknown-group'))
      throw unprocessable(err.code, err.message, err.details);
    throw err;
  }
}

export async function checkGroupGraph(db: Db, tenant: string, next: Group): Promise<void> {
  assertGroupGraph(await loadAllGroups(db, tenant), next);
}

export async function assertUnreferenced(db: Db, tenant: string, kind: string, id: string): Promise<void> {
  const by = await referrers(db, tenant, kind, id);
  if (by.length)
    throw conflict('in-use', `${kind} "${id}" is still referenced by ${by.join(', ')}`, { referrers: by });
}
