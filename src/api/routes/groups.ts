import { createRoute, z } from '@hono/zod-openapi';
import { addressSetToCidrs } from '../../net/address-format.js';
import { resolveGroups } from '../../policy/group-resolver.js';
import type { Group } from '../../policy/types.js';
import { deleteGroupStatements, getGroup, listGroups, putGroupStatements } from '../../store/groups.js';
import { loadTenantStateCached } from '../../store/tenant-state.js';
import { notFound } from '../errors.js';
import { ERRORS, ok, security } from '../openapi-helpers.js';
import { assertUnreferenced, checkGroupGraph } from '../reference-checks.js';
import { TenantObjectParams } from '../schemas/common.js';
import { GroupBody } from '../schemas/resources.js';
import { Group as GroupSchema } from '../schemas/responses.js';
import { tenantCrud } from '../tenant-crud.js';
import { readableTenant } from '../tenant-write.js';

type GroupInput = z.infer<typeof GroupBody>;

export function groupFromBody(id: string, body: GroupInput, app?: string): Group {
  return {
    id,
    ...(body.name !== undefined ? { name: body.name } : {}),
    members: body.members,
    ...(body.criteria !== undefined ? { criteria: body.criteria } : {}),
    ...(app ? { app } : {}),
  };
}

export const groupRoutes = tenantCrud<Group, GroupInput>({
  kind: 'group',
  plural: 'groups',
  stateKey: 'groups',
  body: GroupBody,
  schema: GroupSchema,
  names: { one: 'Group', many: 'Groups' },
  example: { criteria: { field: 'tag', op: 'equals', value: 'tier=web' } },
  fromBody: (id, body) => groupFromBody(id, body),
  get: getGroup,
  list: listGroups,
  validate: (db, tenant, next) => checkGroupGraph(db, tenant.id, next),
  put: putGroupStatements,
  assertDeletable: (db, tenant, id) => assertUnreferenced(db, tenant, 'group', id),
  remove: deleteGroupStatements,
});

const Members = z
  .object({ workloads: z.array(z.string()), vnics: z.array(z.string()), addresses: z.array(z.string()) })
  .openapi('GroupMembers', {
    example: { workloads: ['web-1'], vnics: ['web-1-eth0'], addresses: ['10.0.1.5/32'] },
  });

groupRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/groups/{id}/members',
    operationId: 'getGroupMembers',
    summary: 'Resolve a group',
    tags: ['groups'],
    security,
    description: 'The group resolved now: member workloads, vNICs and addresses (CIDRs).',
    request: { params: TenantObjectParams },
    responses: { 200: ok(Members), ...ERRORS },
  }),
  async (c) => {
    const { t, id } = c.req.valid('param');
    const tenant = await readableTenant(c, t);
    const { state } = await loadTenantStateCached(c.get('db'), tenant);
    const { groups, workloads } = state;
    if (!groups.some((g) => g.id === id)) throw notFound('group', id);
    const resolved = resolveGroups(workloads, groups, { only: [id] }).get(id)!;
    return c.json(
      {
        workloads: [...resolved.workloads],
        vnics: [...resolved.vnics],
        addresses: addressSetToCidrs(resolved.addresses),
      },
      200,
    );
  },
);
