import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, ok } from './client.js';
import { tenantWithEditor, workload } from './fixtures.js';

const policy = (groups: string[]) => ({
  category: 'application',
  priority: 1,
  rules: [{ id: 'web-out', sources: { groups }, action: 'allow' }],
});

async function realization(t: string, token: string) {
  return (await ok(call('GET', `/v1/tenants/${t}/realization`, { token }))).body;
}

async function realizedOn(hv: string, t: string) {
  const status = await ok(call('GET', `/v1/hypervisors/${hv}/status`));
  return status.body.tenants.find((x: { tenant: string }) => x.tenant === t)?.realizedRevision;
}

describe('a state the API would refuse, injected straight into D1', { timeout: 60_000 }, () => {
  it('a dangling group reference is reported and the next valid revision realizes', async () => {
    const t = 'inject-dangling';
    const { editor } = await tenantWithEditor(t);
    await workload(t, 'web-1', 'hv-1', ['10.0.1.5'], {}, editor);
    await ok(
      call('PUT', `/v1/tenants/${t}/groups/web`, {
        token: editor,
        body: { members: { workloads: ['web-1'] } },
      }),
      201,
    );
    const good = await ok(
      call('PUT', `/v1/tenants/${t}/policies/p`, { token: editor, body: policy(['web']) }),
      201,
    );
    expect(good.headers.get('omniwall-realization')).toBe('realized');
    const goodRevision = Number(good.headers.get('etag')!.replaceAll('"', ''));

    await env.DB.prepare(`DELETE FROM groups WHERE tenant = ? AND id = 'web'`).bind(t).run();
    const bad = await ok(
      call('PUT', `/v1/tenants/${t}/workloads/web-2`, {
        token: editor,
        body: { hypervisor: 'hv-1', vnics: [{ id: 'web-2-eth0', ips: ['10.0.1.6'] }] },
      }),
      201,
    );
    expect(bad.headers.get('omniwall-realization')).toBe('failed');
    const badRevision = Number(bad.headers.get('etag')!.replaceAll('"', ''));
    const reported = await realization(t, editor);
    expect(reported.error).toMatch(/unknown group "web"/);
    expect(reported.unrealizableRevision).toBe(badRevision);
    expect(reported.realizedRevision).toBe(goodRevision);
    expect(await realizedOn('hv-1', t)).toBe(goodRevision);

    // repairing the state is an ordinary valid write, and it realizes
    const fixed = await ok(
      call('PUT', `/v1/tenants/${t}/groups/web`, {
        token: editor,
        body: { members: { workloads: ['web-2'] } },
      }),
      201,
    );
    expect(fixed.headers.get('omniwall-realization')).toBe('realized');
    const fixedRevision = Number(fixed.headers.get('etag')!.replaceAll('"', ''));
    expect(await realizedOn('hv-1', t)).toBe(fixedRevision);
    const after = await realization(t, editor);
    expect(after.error).toBeNull();
    expect(after.realizedRevision).toBe(fixedRevision);
  });

  it('a nesting cycle is reported and the write that breaks it realizes', async () => {
    const t = 'inject-cycle';
    const { editor } = await tenantWithEditor(t);
    await workload(t, 'web-1', 'hv-2', ['10.0.1.5'], {}, editor);
    await ok(
      call('PUT', `/v1/tenants/${t}/groups/a`, {
        token: editor,
        body: { members: { workloads: ['web-1'] } },
      }),
      201,
    );
    await ok(
      call('PUT', `/v1/tenants/${t}/groups/b`, { token: editor, body: { members: { groups: ['a'] } } }),
      201,
    );
    await ok(call('PUT', `/v1/tenants/${t}/policies/p`, { token: editor, body: policy(['b']) }), 201);

    await env.DB.prepare(`UPDATE groups SET members = ? WHERE tenant = ? AND id = 'a'`)
      .bind(JSON.stringify({ workloads: ['web-1'], groups: ['b'] }), t)
      .run();
    const bad = await call('PATCH', `/v1/tenants/${t}`, {
      token: editor,
      body: { settings: { defaultAction: 'allow' } },
    });
    expect(bad.status).toBe(200);
    expect(bad.headers.get('omniwall-realization')).toBe('failed');
    expect((await realization(t, editor)).error).toMatch(/cycle/);

    const fixed = await ok(
      call('PUT', `/v1/tenants/${t}/groups/a`, {
        token: editor,
        body: { members: { workloads: ['web-1'] } },
      }),
    );
    expect(fixed.headers.get('omniwall-realization')).toBe('realized');
    expect(await realizedOn('hv-2', t)).toBe(Number(fixed.headers.get('etag')!.replaceAll('"', '')));
  });
});
