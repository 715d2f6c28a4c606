/**
 * README's quick start through a client generated from the served OpenAPI document: typed bodies, typed
 * answers, no casts. typed-client.test.ts type-checks this file against freshly generated types (in
 * bench/out, next to ./api-types.ts) and runs it against the service; the root tsconfig leaves it out
 * because ./api-types.ts exists only there.
 */
import createClient from 'openapi-fetch';
import type { paths } from './api-types.js';

/** The data of a successful answer, or an error naming the step and what the service said. */
function need<T>(step: string, answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined)
    throw new Error(`${step}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  return answer.data;
}

export async function quickStart(baseUrl: string, adminToken: string, tenant: string) {
  const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });

  // a tenant, and an editor token for it (the secret is shown once)
  const created = need(
    'create tenant',
    await admin.POST('/v1/tenants', { body: { id: tenant, name: 'ACME' } }),
  );
  const issued = need('editor token', await admin.POST('/v1/tokens', { body: { role: 'editor', tenant } }));
  const editor = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${issued.token}` } });

  // two hypervisors (infrastructure, admin only)
  const hv1 = { params: { path: { h: 'hv-1' } }, body: { name: 'esx-01' } };
  need('hypervisor hv-1', await admin.PUT('/v1/hypervisors/{h}', hv1));
  const hv2 = { params: { path: { h: 'hv-2' } }, body: { name: 'esx-02' } };
  need('hypervisor hv-2', await admin.PUT('/v1/hypervisors/{h}', hv2));

  // two workloads
  const web1 = need(
    'workload web-1',
    await editor.PUT('/v1/tenants/{t}/workloads/{id}', {
      params: { path: { t: tenant, id: 'web-1' } },
      body: { hypervisor: 'hv-1', vnics: [{ id: 'web-1-eth0', ips: ['10.0.1.5'] }], tags: ['tier=web'] },
    }),
  );
  if ('dryRun' in web1) throw new Error('a PUT without dryRun answered a dry run');
  need(
    'workload db-1',
    await editor.PUT('/v1/tenants/{t}/workloads/{id}', {
      params: { path: { t: tenant, id: 'db-1' } },
      body: { hypervisor: 'hv-2', vnics: [{ id: 'db-1-eth0', ips: ['10.0.2.7'] }], tags: ['tier=db'] },
    }),
  );

  // a dynamic group (membership follows the inventory) and a static one
  need(
    'group web',
    await editor.PUT('/v1/tenants/{t}/groups/{id}', {
      params: { path: { t: tenant, id: 'web' } },
      body: { criteria: { field: 'tag', op: 'equals', value: 'tier=web' } },
    }),
  );
  need(
    'group db',
    await editor.PUT('/v1/tenants/{t}/groups/{id}', {
      params: { path: { t: tenant, id: 'db' } },
      body: { members: { workloads: ['db-1'] } },
    }),
  );
  const members = need(
    'members of web',
    await editor.GET('/v1/tenants/{t}/groups/{id}/members', { params: { path: { t: tenant, id: 'web' } } }),
  );

  // a policy: web may reach db on postgres; everything else falls to the default action (drop)
  const policy = need(
    'policy app',
    await editor.PUT('/v1/tenants/{t}/policies/{id}', {
      params: { path: { t: tenant, id: 'app' } },
      body: {
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
    }),
  );
  if ('dryRun' in policy) throw new Error('a PUT without dryRun answered a dry run');
  const firstRule = policy.rules[0];
  if (firstRule === undefined) throw new Error('the stored policy has no rules');

  // the revision as an ETag, and a write that names an older one
  const read = await editor.GET('/v1/tenants/{t}/policies/{id}', {
    params: { path: { t: tenant, id: 'app' } },
  });
  const etag = read.response.headers.get('etag');
  const stale = await editor.PUT('/v1/tenants/{t}/policies/{id}', {
    params: { path: { t: tenant, id: 'app' }, header: { 'if-match': '"1"' } },
    body: { category: 'application', priority: 11 },
  });

  // is it live? desired vs realized revision per tenant on each hypervisor
  const status = need(
    'status of hv-2',
    await admin.GET('/v1/hypervisors/{h}/status', { params: { path: { h: 'hv-2' } } }),
  );
  const live = status.tenants.find((s) => s.tenant === tenant);

  // the agent of hv-1 asks about web-1's outgoing SYN
  const agentToken = need(
    'agent token',
    await admin.POST('/v1/tokens', { body: { role: 'agent', hypervisor: 'hv-1' } }),
  );
  const agent = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${agentToken.token}` } });
  const judged = need(
    'packets',
    await agent.POST('/v1/hypervisors/{h}/packets', {
      params: { path: { h: 'hv-1' } },
      body: {
        packets: [
          {
            vnic: 'web-1-eth0',
            dir: 'out',
            src: '10.0.1.5',
            dst: '10.0.2.7',
            proto: 6,
            sport: 40512,
            dport: 5432,
            flags: 'S',
            len: 60,
          },
        ],
      },
    }),
  );

  if (typeof judged === 'string') throw new Error('a JSON batch answered binary verdicts');

  // why: the same connection, explained hop by hop
  const explained = need(
    'explain',
    await editor.POST('/v1/tenants/{t}/explain', {
      params: { path: { t: tenant } },
      body: { src: { workload: 'web-1' }, dst: { workload: 'db-1' }, proto: 'tcp', dport: 5432 },
    }),
  );

  return {
    tenant: { revision: created.revision, defaultAction: created.settings.defaultAction },
    editorRole: issued.role,
    web1: { name: web1.name, attributes: web1.attributes, ips: web1.vnics.map((v) => v.ips) },
    members: members.workloads,
    rule: { direction: firstRule.direction, disabled: firstRule.disabled, stateful: policy.stateful },
    etag,
    stale: { status: stale.response.status, code: stale.error?.error.code },
    live: live && { desired: live.desiredRevision, realized: live.realizedRevision },
    verdict: judged.verdicts[0],
    explained: { verdict: explained.verdict, hops: explained.hops.map((h) => `${h.vnic} ${h.direction}`) },
  };
}
