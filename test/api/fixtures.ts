import { call, createTenant, issueToken, ok } from './client.js';

export async function hypervisor(id: string) {
  const r = await call('PUT', `/v1/hypervisors/${id}`, { body: { name: id } });
  if (r.status !== 200 && r.status !== 201) throw new Error(`hypervisor ${id}: ${r.status}`);
}

export async function workload(
  tenant: string,
  id: string,
  hv: string,
  ips: string[],
  extra: Record<string, unknown> = {},
  token?: string,
) {
  return ok(
    call('PUT', `/v1/tenants/${tenant}/workloads/${id}`, {
      token,
      body: { hypervisor: hv, vnics: [{ id: `${id}-eth0`, ips }], ...extra },
    }),
    201,
  );
}

/** A tenant with an editor token and two hypervisors. */
export async function tenantWithEditor(id: string, settings: Record<string, unknown> = {}) {
  await createTenant(id, settings);
  const editor = await issueToken('editor', { tenant: id });
  await hypervisor('hv-1');
  await hypervisor('hv-2');
  return { editor };
}

/** A tcpStrict policy letting group `web` reach group `db` on postgres (the migration scenarios' rule). */
export async function webToDbPolicy(tenant: string, token?: string) {
  return ok(
    call('PUT', `/v1/tenants/${tenant}/policies/app`, {
      token,
      body: {
        category: 'application',
        priority: 10,
        tcpStrict: true,
        rules: [
          {
            id: 'web-to-db',
            sources: { groups: ['web'] },
            destinations: { groups: ['db'] },
            services: [{ proto: 'tcp', ports: '5432' }],
            action: 'allow',
          },
        ],
      },
    }),
    201,
  );
}
