import { z } from '@hono/zod-openapi';
import { resolveGroups } from '../../policy/group-resolver.js';
import type { Workload } from '../../policy/types.js';
import { canonicalIp } from '../../net/ip.js';
import { getHypervisor } from '../../store/hypervisors.js';
import { loadTenantStateCached } from '../../store/tenant-state.js';
import { getTenant } from '../../store/tenants.js';
import {
  deleteWorkloadStatements,
  getWorkload,
  listWorkloads,
  putWorkloadStatements,
  vnicOwners,
} from '../../store/workloads.js';
import { conflict, notFound, unprocessable } from '../errors.js';
import { Id } from '../schemas/common.js';
import { WorkloadBody } from '../schemas/resources.js';
import { Workload as WorkloadSchema } from '../schemas/responses.js';
import { tenantCrud } from '../tenant-crud.js';

type WorkloadInput = z.infer<typeof WorkloadBody>;

export function workloadFromBody(id: string, body: WorkloadInput): Workload {
  return {
    id,
    name: body.name ?? id,
    hypervisor: body.hypervisor,
    vnics: body.vnics.map((v) => ({
      id: v.id,
      ...(v.mac ? { mac: v.mac.toLowerCase() } : {}),
      ips: v.ips.map((ip) => canonicalIp(ip) ?? ip).sort(),
    })),
    ...(body.os !== undefined ? { os: body.os } : {}),
    ...(body.user !== undefined ? { user: body.user } : {}),
    tags: [...new Set(body.tags)],
    attributes: body.attributes,
  };
}

export const workloadRoutes = tenantCrud<Workload, WorkloadInput>({
  kind: 'workload',
  plural: 'workloads',
  stateKey: 'workloads',
  body: WorkloadBody,
  schema: WorkloadSchema,
  names: { one: 'Workload', many: 'Workloads' },
  example: { hypervisor: 'hv-1', vnics: [{ id: 'web-1-eth0', ips: ['10.0.1.5'] }], tags: ['tier=web'] },
  fromBody: workloadFromBody,
  get: getWorkload,
  listQuery: z.object({
    group: Id.optional().openapi({ description: 'only the workloads that are members of this group now' }),
  }),
  list: async (db, tenant, after, limit, c) => {
    const group = c.req.query('group');
    if (!group) return listWorkloads(db, tenant, after, limit);
    const { state } = await loadTenantStateCached(db, (await getTenant(db, tenant))!);
    const { groups, workloads } = state;
    if (!groups.some((g) => g.id === group)) throw notFound('group', group);
    const members = new Set(resolveGroups(workloads, groups, { only: [group] }).get(group)!.workloads);
    return workloads.filter((w) => members.has(w.id) && (after === null || w.id > after)).slice(0, limit);
  },
  validate: async (db, tenant, next) => {
    if (!(await getHypervisor(db, next.hypervisor)))
      throw unprocessable(
        'unknown-hypervisor',
        `body.hypervisor: hypervisor "${next.hypervisor}" does not exist`,
        {
          hypervisor: next.hypervisor,
        },
      );
    const owners = await vnicOwners(
      db,
      tenant.id,
      next.vnics.map((v) => v.id),
    );
    for (const [vnic, owner] of owners)
      if (owner !== next.id)
        throw conflict('vnic-taken', `vNIC "${vnic}" belongs to workload "${owner}"`, {
          vnic,
          workload: owner,
        });
  },
  put: putWorkloadStatements,
  remove: deleteWorkloadStatements,
});
