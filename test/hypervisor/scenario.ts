import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, workload } from '../api/fixtures.js';

export interface Packet {
  vnic: string;
  dir: 'in' | 'out';
  src: string;
  dst: string;
  proto: number;
  sport?: number;
  dport?: number;
  flags?: string;
  len?: number;
  tenant?: string;
  type?: number;
  code?: number;
  id?: number;
}

export async function send(hv: string, token: string, packets: Packet[]) {
  const r = await call('POST', `/v1/hypervisors/${hv}/packets`, { token, body: { packets } });
  if (r.status !== 200) throw new Error(`packets: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.verdicts as { action: string; rule: string | null; policy: string | null; reason: string }[];
}

export async function sendOne(hv: string, token: string, p: Packet) {
  return (await send(hv, token, [p]))[0]!;
}

/**
 * Tenant `t` with web-1 (10.0.1.5) on hv-a and db-1 (10.0.2.7) on hv-b, groups web/db by tag and a policy
 * allowing web → db on tcp/5432 (stateful) with the default action drop.
 */
export async function webDbScenario(t: string, policyExtra: Record<string, unknown> = {}, settings = {}) {
  await createTenant(t, settings);
  const editor = await issueToken('editor', { tenant: t });
  const [hvA, hvB] = [`${t}-hv-a`, `${t}-hv-b`];
  await hypervisor(hvA);
  await hypervisor(hvB);
  const agentA = await issueToken('agent', { hypervisor: hvA });
  const agentB = await issueToken('agent', { hypervisor: hvB });
  await workload(t, 'web-1', hvA, ['10.0.1.5'], { tags: ['tier=web'] }, editor);
  await workload(t, 'db-1', hvB, ['10.0.2.7'], { tags: ['tier=db'] }, editor);
  await ok(
    call('PUT', `/v1/tenants/${t}/groups/web`, {
      token: editor,
      body: { criteria: { field: 'tag', op: 'equals', value: 'tier=web' } },
    }),
    201,
  );
  await ok(
    call('PUT', `/v1/tenants/${t}/groups/db`, {
      token: editor,
      body: { criteria: { field: 'tag', op: 'equals', value: 'tier=db' } },
    }),
    201,
  );
  await ok(
    call('PUT', `/v1/tenants/${t}/policies/app`, {
      token: editor,
      body: {
        category: 'application',
        priority: 10,
        rules: [
          {
            id: 'web-to-db',
            sources: { groups: ['web'] },
            destinations: { groups: ['db'] },
            services: [{ proto: 'tcp', ports: '5432' }],
            action: 'allow',
            log: true,
          },
        ],
        ...policyExtra,
      },
    }),
    201,
  );
  return { editor, hvA, hvB, agentA, agentB };
}
