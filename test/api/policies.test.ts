import { describe, expect, it } from 'vitest';
import { call, issueToken, ok } from './client.js';
import { tenantWithEditor, workload } from './fixtures.js';

const webPolicy = {
  category: 'application',
  priority: 10,
  appliedTo: ['web'],
  rules: [
    {
      id: 'r-https',
      sources: 'any',
      destinations: { groups: ['web'] },
      services: ['https'],
      action: 'allow',
      direction: 'in',
    },
    {
      id: 'r-app',
      sources: { groups: ['web'] },
      destinations: { cidrs: ['10.9.0.0/16'] },
      services: ['app-port', { proto: 'udp', ports: '53' }],
      action: 'allow',
    },
    { id: 'r-deny', action: 'drop', log: true },
  ],
};

describe('services and policies', () => {
  it('stores services and policies, resolving references', async () => {
    const { editor } = await tenantWithEditor('pol');
    await ok(
      call('PUT', '/v1/tenants/pol/groups/web', {
        token: editor,
        body: { members: { cidrs: ['10.0.1.0/24'] } },
      }),
      201,
    );
    await ok(
      call('PUT', '/v1/tenants/pol/services/app-port', {
        token: editor,
        body: { entries: [{ proto: 'tcp', ports: '8000-8080,9000' }] },
      }),
      201,
    );
    const r = await ok(call('PUT', '/v1/tenants/pol/policies/web', { token: editor, body: webPolicy }), 201);
    expect(r.body).toMatchObject({ id: 'web', category: 'application', stateful: true, tcpStrict: false });
    expect(r.body.rules.map((x: { id: string }) => x.id)).toEqual(['r-https', 'r-app', 'r-deny']);
    expect(r.body.rules[2]).toMatchObject({
      sources: 'any',
      destinations: 'any',
      direction: 'inout',
      log: true,
    });
    const got = await ok(call('GET', '/v1/tenants/pol/policies/web', { token: editor }));
    expect(got.body).toEqual(r.body);
    const list = await ok(call('GET', '/v1/tenants/pol/policies', { token: editor }));
    expect(list.body.items).toHaveLength(1);
  });

  it('answers 422 for unknown groups and services, naming where they stand', async () => {
    const { editor } = await tenantWithEditor('pol2');
    const r = await call('PUT', '/v1/tenants/pol2/policies/p', {
      token: editor,
      body: {
        category: 'application',
        priority: 1,
        rules: [{ id: 'a', action: 'allow', sources: { groups: ['ghost'] } }],
      },
    });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unknown-group');
    expect(r.body.error.message).toMatch(/^body\.rules\[0\]\.sources\.groups\[0\]/);
    const s = await call('PUT', '/v1/tenants/pol2/policies/p', {
      token: editor,
      body: {
        category: 'application',
        priority: 1,
        rules: [{ id: 'a', action: 'allow', services: ['nope'] }],
      },
    });
    expect(s.status).toBe(422);
    expect(s.body.error.code).toBe('unknown-service');
  });

  it('answers 400 for invalid rules and service entries', async () => {
    const { editor } = await tenantWithEditor('pol3');
    const cases: [unknown, RegExp][] = [
      [{ category: 'whatever', priority: 1 }, /^body\.category:/],
      [{ category: 'application', priority: 1.5 }, /^body\.priority:/],
      [
        { category: 'application', priority: 1, rules: [{ id: 'a', action: 'permit' }] },
        /^body\.rules\[0\]\.action:/,
      ],
      [
        { category: 'application', priority: 1, rules: [{ id: 'a', action: 'allow', direction: 'up' }] },
        /^body\.rules\[0\]\.direction:/,
      ],
      [
        {
          category: 'application',
          priority: 1,
          rules: [
            { id: 'a', action: 'allow' },
            { id: 'a', action: 'drop' },
          ],
        },
        /^body\.rules\[1\]\.id:/,
      ],
      [
        {
          category: 'application',
          priority: 1,
          rules: [{ id: 'a', action: 'allow', services: [{ proto: 'tcp', ports: '99999' }] }],
        },
        /^body\.rules\[0\]\.services\[0\]/,
      ],
      [
        {
          category: 'application',
          priority: 1,
          rules: [{ id: 'a', action: 'allow', destinations: { cidrs: ['10.0.0.1/8'] } }],
        },
        /^body\.rules\[0\]\.destinations/,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await call('PUT', '/v1/tenants/pol3/policies/p', { token: editor, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    const svc = await call('PUT', '/v1/tenants/pol3/services/s', {
      token: editor,
      body: { entries: [{ proto: 'icmp', ports: '80' }] },
    });
    expect(svc.status).toBe(400);
    expect(svc.body.error.message).toMatch(/^body\.entries\[0\]\.ports:/);
  });

  it('refuses to delete a group or service still referenced (409 naming the referrers)', async () => {
    const { editor } = await tenantWithEditor('pol4');
    await ok(call('PUT', '/v1/tenants/pol4/groups/web', { token: editor, body: {} }), 201);
    await ok(
      call('PUT', '/v1/tenants/pol4/groups/outer', { token: editor, body: { members: { groups: ['web'] } } }),
      201,
    );
    await ok(
      call('PUT', '/v1/tenants/pol4/services/app-port', {
        token: editor,
        body: { entries: [{ proto: 'tcp', ports: 8080 }] },
      }),
      201,
    );
    await ok(call('PUT', '/v1/tenants/pol4/policies/web', { token: editor, body: webPolicy }), 201);
    const g = await call('DELETE', '/v1/tenants/pol4/groups/web', { token: editor });
    expect(g.status).toBe(409);
    expect(g.body.error.details.referrers).toEqual(['group/outer', 'policy/web']);
    const s = await call('DELETE', '/v1/tenants/pol4/services/app-port', { token: editor });
    expect(s.status).toBe(409);
    await ok(call('DELETE', '/v1/tenants/pol4/policies/web', { token: editor }), 204);
    await ok(call('DELETE', '/v1/tenants/pol4/services/app-port', { token: editor }), 204);
    await ok(call('DELETE', '/v1/tenants/pol4/groups/outer', { token: editor }), 204);
    await ok(call('DELETE', '/v1/tenants/pol4/groups/web', { token: editor }), 204);
    expect((await call('GET', '/v1/tenants/pol4/groups/web', { token: editor })).status).toBe(404);
  });

  it('writes an audit entry with actor, object, before and after for each mutation', async () => {
    const { editor } = await tenantWithEditor('aud');
    await workload('aud', 'w1', 'hv-1', ['10.0.0.1'], {}, editor);
    await ok(
      call('PUT', '/v1/tenants/aud/workloads/w1', {
        token: editor,
        body: { hypervisor: 'hv-2', vnics: [{ id: 'w1-eth0', ips: ['10.0.0.1'] }] },
      }),
    );
    await ok(call('DELETE', '/v1/tenants/aud/workloads/w1', { token: editor }), 204);
    const auditor = await issueToken('auditor', { tenant: 'aud' });
    const log = await ok(call('GET', '/v1/tenants/aud/audit?object=workload/w1', { token: auditor }));
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'create']);
    const [del, upd, cre] = log.body.items;
    expect(cre.before).toBeNull();
    expect(cre.after.hypervisor).toBe('hv-1');
    expect(upd.before.hypervisor).toBe('hv-1');
    expect(upd.after.hypervisor).toBe('hv-2');
    expect(del.after).toBeNull();
    expect(new Set(log.body.items.map((e: { actor: string }) => e.actor)).size).toBe(1);
    expect(cre.actor).not.toBe('admin');
    expect(del.revision).toBe(cre.revision + 2);
    const byActor = await ok(
      call('GET', `/v1/tenants/aud/audit?actor=${cre.actor}&limit=1`, { token: auditor }),
    );
    expect(byActor.body.items).toHaveLength(1);
    expect(byActor.body.nextCursor).not.toBeNull();
  });

  it('keeps the stored object on a stale If-Match (412) and accepts the current one', async () => {
    const { editor } = await tenantWithEditor('ifm');
    const a = await ok(
      call('PUT', '/v1/tenants/ifm/services/s', {
        token: editor,
        body: { entries: [{ proto: 'tcp', ports: '1' }] },
      }),
      201,
    );
    const rev = a.headers.get('etag')!;
    await ok(
      call('PUT', '/v1/tenants/ifm/services/t', {
        token: editor,
        body: { entries: [{ proto: 'tcp', ports: '2' }] },
      }),
      201,
    );
    const stale = await call('PUT', '/v1/tenants/ifm/services/s', {
      token: editor,
      body: { entries: [{ proto: 'udp' }] },
      headers: { 'if-match': rev },
    });
    expect(stale.status).toBe(412);
    expect((await call('GET', '/v1/tenants/ifm/services/s', { token: editor })).body.entries).toEqual([
      { proto: 'tcp', ports: '1' },
    ]);
    const cur = (await call('GET', '/v1/tenants/ifm', { token: editor })).headers.get('etag')!;
    await ok(
      call('PUT', '/v1/tenants/ifm/services/s', {
        token: editor,
        body: { entries: [{ proto: 'udp' }] },
        headers: { 'if-match': cur },
      }),
    );
    const del = await call('DELETE', '/v1/tenants/ifm/services/s', {
      token: editor,
      headers: { 'if-match': cur },
    });
    expect(del.status).toBe(412);
  });
});
