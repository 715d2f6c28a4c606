/**
 * One small tenant with every kind of object the console shows, set up through the API as a pipeline
 * would: hypervisors, workloads, a dynamic and a static group, two policies in two categories (logged
 * rules, one shadowed), an update (an audit diff), a migration, an inventory webhook delivery; and a 10,000-rule policy
 * in a second tenant.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Client } from '../../bench/wrangler-dev.js';

export const T = 'acme';
export const BIG = 'bigcorp';
export const BIG_RULES = 10_000;

export interface Scenario {
  api: Client;
  admin: string;
  /** auditor of `acme` only */
  auditor: string;
  /** auditor of every tenant */
  globalAuditor: string;
  /** editor of `acme` (the dry-run view) */
  editor: string;
  agent: string;
  /** a packet from web-1 to db-1:5432, allowed and logged by rule web-to-db */
  sendPacket(sport: number): Promise<unknown>;
}

const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;

async function deliver(base: string, body: unknown): Promise<void> {
  const id = `msg-${randomBytes(6).toString('hex')}`;
  const ts = String(Math.floor(Date.now() / 1000));
  const text = JSON.stringify(body);
  const key = Buffer.from(webhookSecret.slice(6), 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${text}`).digest('base64');
  const res = await fetch(`${base}/v1/webhooks/${T}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': ts,
      'webhook-signature': `v1,${sig}`,
    },
    body: text,
  });
  if (res.status >= 300) throw new Error(`webhook delivery → ${res.status} ${await res.text()}`);
}

export async function setUp(base: string, admin: string): Promise<Scenario> {
  const api = new Client(base);
  const put = (path: string, body: unknown) => api.ok('setup', 'PUT', path, admin, body);
  const token = async (body: unknown) =>
    (await api.ok<{ token: string }>('setup', 'POST', '/v1/tokens', admin, body)).token;

  await api.ok('setup', 'POST', '/v1/tenants', admin, { id: T, name: 'Acme Corp' });
  await api.ok('setup', 'POST', '/v1/tenants', admin, { id: BIG, name: 'Big Corp' });
  await put('/v1/hypervisors/hv-1', { name: 'esx-01' });
  await put('/v1/hypervisors/hv-2', { name: 'esx-02' });
  const vm = (id: string, ip: string, tags: string[], hypervisor = 'hv-1') =>
    put(`/v1/tenants/${T}/workloads/${id}`, {
      name: id,
      hypervisor,
      vnics: [{ id: `${id}-eth0`, ips: [ip] }],
      os: 'linux',
      tags,
      attributes: {},
    });
  await vm('web-1', '10.0.0.10', ['tier=web']);
  await vm('db-1', '10.0.0.20', ['tier=db']);
  await vm('batch-1', '10.0.0.30', ['tier=batch']);
  await put(`/v1/tenants/${T}/groups/web`, {
    name: 'Web tier',
    members: { workloads: [], vnics: [], cidrs: [], groups: [] },
    criteria: { field: 'tag', op: 'equals', value: 'tier=web' },
  });
  await put(`/v1/tenants/${T}/groups/db`, {
    name: 'Databases',
    members: { workloads: ['db-1'], vnics: [], cidrs: [], groups: [] },
  });
  await put(`/v1/tenants/${T}/services/postgres`, { entries: [{ proto: 'tcp', ports: '5432' }] });
  const appPolicy = {
    name: 'Web app',
    category: 'application',
    priority: 10,
    rules: [
      {
        id: 'web-to-db',
        sources: { groups: ['web'], cidrs: [] },
        destinations: { groups: ['db'], cidrs: [] },
        services: ['postgres'],
        action: 'allow',
        log: true,
      },
      { id: 'deny-rest', action: 'drop', log: true },
    ],
  };
  await put(`/v1/tenants/${T}/policies/web-app`, appPolicy);
  await put(`/v1/tenants/${T}/policies/quarantine`, {
    name: 'Quarantine',
    category: 'emergency',
    priority: 1,
    rules: [
      { id: 'block-bad-net', sources: { groups: [], cidrs: ['192.0.2.0/24'] }, action: 'drop', log: true },
      // planted for the analysis view: the drop above decides all of its packets
      { id: 'allow-bad-host', sources: { groups: [], cidrs: ['192.0.2.7/32'] }, action: 'allow' },
    ],
  });
  // an update: the audit log shows it as a diff
  appPolicy.rules[0]!.services = ['postgres', { proto: 'tcp', ports: '6432' }] as never;
  await put(`/v1/tenants/${T}/policies/web-app`, appPolicy);

  await put(`/v1/tenants/${T}/webhooks/events`, { secrets: [webhookSecret], hypervisors: {} });
  await deliver(base, {
    type: 'workload.upserted',
    data: {
      id: 'cache-1',
      name: 'cache-1',
      hypervisor: 'hv-2',
      vnics: [{ id: 'cache-1-eth0', ips: ['10.0.0.40'] }],
    },
  });
  await api.ok('setup', 'POST', `/v1/tenants/${T}/workloads/batch-1/migrate`, admin, {
    to: 'hv-2',
    id: 'move-batch',
  });

  const rules = Array.from({ length: BIG_RULES }, (_, i) => ({
    id: `r${String(i).padStart(5, '0')}`,
    sources: { groups: [], cidrs: [`10.${(i >> 8) & 255}.${i & 255}.0/24`] },
    action: i % 2 ? 'allow' : 'drop',
  }));
  await api.ok('setup', 'PUT', `/v1/tenants/${BIG}/policies/huge`, admin, {
    category: 'application',
    priority: 100,
    rules,
  });

  const agent = await token({ role: 'agent', hypervisor: 'hv-1' });
  const sendPacket = (sport: number) =>
    api.ok('packet', 'POST', '/v1/hypervisors/hv-1/packets', agent, {
      packets: [
        {
          vnic: 'web-1-eth0',
          dir: 'out',
          src: '10.0.0.10',
          dst: '10.0.0.20',
          proto: 6,
          sport,
          dport: 5432,
          flags: 'S',
          len: 60,
        },
      ],
    });
  return {
    api,
    admin,
    auditor: await token({ role: 'auditor', tenant: T, name: 'acme-auditor' }),
    globalAuditor: await token({ role: 'auditor', name: 'all-auditor' }),
    editor: await token({ role: 'editor', tenant: T, name: 'acme-editor' }),
    agent,
    sendPacket,
  };
}
