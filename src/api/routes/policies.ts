import { policyReferences, type PolicyReference } from '../../policy/references.js';
import type { z } from '@hono/zod-openapi';
import type { Policy } from '../../policy/types.js';
import type { Db } from '../../store/db.js';
import {
  deletePolicyStatements,
  getPolicy,
  listPolicies,
  putPolicyStatements,
} from '../../store/policies.js';
import {
  assertAppExists,
  assertGroupsExist,
  assertServicesExist,
  type NamedReference,
} from '../reference-checks.js';
import { PolicyBody } from '../schemas/resources.js';
import { Policy as PolicySchema } from '../schemas/responses.js';
import { tenantCrud } from '../tenant-crud.js';

type PolicyInput = z.infer<typeof PolicyBody>;

export function policyFromBody(id: string, body: PolicyInput, app?: string): Policy {
  const owner = app ?? body.app;
  return {
    id,
    ...(body.name !== undefined ? { name: body.name } : {}),
    category: body.category,
    priority: body.priority,
    stateful: body.stateful,
    tcpStrict: body.tcpStrict,
    appliedTo: body.appliedTo,
    ...(owner ? { app: owner } : {}),
    rules: body.rules.map((r) => ({ ...r, ...(r.notes === undefined ? {} : { notes: r.notes }) })),
  };
}

/** Every group and service id the policy names, with where it stands (for a 422 naming it). */
export function namedReferences(p: Policy, prefix = 'body') {
  const named = (kind: PolicyReference['kind']): NamedReference[] =>
    policyReferences(p)
      .filter((r) => r.kind === kind)
      .map((r) => ({ id: r.id, at: `${prefix}.${r.at}` }));
  return { groups: named('group'), services: named('service') };
}

export async function checkPolicyReferences(db: Db, tenant: string, p: Policy) {
  const refs = namedReferences(p);
  await assertGroupsExist(db, tenant, refs.groups);
  await assertServicesExist(db, tenant, refs.services);
}

export const policyRoutes = tenantCrud<Policy, PolicyInput>({
  kind: 'policy',
  plural: 'policies',
  stateKey: 'policies',
  body: PolicyBody,
  schema: PolicySchema,
  names: { one: 'Policy', many: 'Policies' },
  example: {
    category: 'application',
    priority: 10,
    rules: [
      {
        id: 'web-to-db',
        sources: { groups: ['web'] },
        destinations: { groups: ['db'] },
        services: ['postgres'],
        action: 'allow',
        log: true,
      },
    ],
  },
  fromBody: (id, body) => policyFromBody(id, body),
  get: getPolicy,
  list: listPolicies,
  validate: async (db, tenant, next) => {
    await assertAppExists(db, tenant.id, next.app);
    await checkPolicyReferences(db, tenant.id, next);
  },
  put: putPolicyStatements,
  remove: deletePolicyStatements,
});
