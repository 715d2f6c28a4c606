import { describe, expect, it } from 'vitest';
import { call, ok } from './client.js';
import { tenantWithEditor } from './fixtures.js';

const T = 'rt1';

const objects: [string, unknown][] = [
  [
    `/v1/tenants/${T}/workloads/web-1`,
    {
      hypervisor: 'hv-1',
      vnics: [{ id: 'web-1-eth0', ips: ['10.0.0.1', '2001:db8::1'] }],
      tags: ['tier=web'],
      attributes: { owner: 'shop' },
    },
  ],
  [`/v1/tenants/${T}/services/pg`, { entries: [{ proto: 'tcp', ports: '5432' }] }],
  [
    `/v1/tenants/${T}/groups/web`,
    { name: 'Web', criteria: { all: [{ field: 'tag', op: 'equals', value: 'tier=web' }] } },
  ],
  [`/v1/tenants/${T}/groups/db`, { members: { cidrs: ['10.0.1.0/24'] } }],
  [
    `/v1/tenants/${T}/policies/app`,
    {
      category: 'application',
      priority: 10,
      rules: [
        {
          id: 'web-to-db',
          sources: { groups: ['web'] },
          destinations: { groups: ['db'] },
          services: ['pg', { proto: 'udp', ports: '53' }],
          action: 'allow',
          log: true,
        },
      ],
    },
  ],
  [
    `/v1/tenants/${T}/apps/shop`,
    {
      groups: { 'shop-web': { criteria: { field: 'tag', op: 'equals', value: 'app=shop' } } },
      services: { 'shop-api': { entries: [{ proto: 'tcp', ports: '8443' }] } },
      policies: {
        'shop-in': {
          category: 'application',
          priority: 5,
          rules: [
            { id: 'in', destinations: { groups: ['shop-web'] }, services: ['shop-api'], action: 'allow' },
          ],
        },
      },
    },
  ],
  [
    `/v1/tenants/${T}/webhooks/netbox`,
    { secrets: ['a-long-random-secret'], hypervisors: { 'esx-01.example.net': 'hv-1' } },
  ],
];

describe('round trips: what GET answers can be PUT back unchanged', () => {
  it('every kind of object, apps and webhook sources included', async () => {
    const { editor } = await tenantWithEditor(T);
    for (const [path, body] of objects) await ok(call('PUT', path, { token: editor, body }), 201);
    await ok(call('PUT', '/v1/hypervisors/hv-1', { body: { name: 'esx-01' } }));
    const paths = [...objects.map(([p]) => p), '/v1/hypervisors/hv-1'];
    const revision = (await ok(call('GET', `/v1/tenants/${T}`, { token: editor }))).body.revision;
    const audit = (await ok(call('GET', `/v1/tenants/${T}/audit?limit=200`, { token: editor }))).body.items
      .length;
    for (const path of paths) {
      const got = (await ok(call('GET', path, { token: editor }))).body;
      const put = await call('PUT', path, {
        token: path.startsWith('/v1/hyp') ? undefined : editor,
        body: got,
      });
      expect([put.status, path, put.body]).toEqual([200, path, put.body]);
      expect((await ok(call('GET', path, { token: editor }))).body, path).toEqual(got);
    }
    expect((await ok(call('GET', `/v1/tenants/${T}`, { token: editor }))).body.revision).toBe(revision);
    expect(
      (await ok(call('GET', `/v1/tenants/${T}/audit?limit=200`, { token: editor }))).body.items.length,
    ).toBe(audit);
  });

  it('a tenant GET can be PATCHed back unchanged', async () => {
    await tenantWithEditor('rt2', { defaultAction: 'drop' });
    const got = (await ok(call('GET', '/v1/tenants/rt2'))).body;
    const patched = await call('PATCH', '/v1/tenants/rt2', { body: got });
    expect([patched.status, patched.body]).toEqual([200, got]);
  });

  it('apps can be listed', async () => {
    const { editor } = await tenantWithEditor('rt3');
    const app = objects.find(([p]) => p.includes('/apps/'))![1];
    await ok(call('PUT', '/v1/tenants/rt3/apps/shop', { token: editor, body: app }), 201);
    await ok(
      call('PUT', '/v1/tenants/rt3/apps/shop2', {
        token: editor,
        body: { groups: { g2: { members: { cidrs: ['10.9.0.0/16'] } } } },
      }),
      201,
    );
    const list = (await ok(call('GET', '/v1/tenants/rt3/apps', { token: editor }))).body;
    expect(list.items.map((a: { id: string }) => a.id)).toEqual(['shop', 'shop2']);
    expect(list.nextCursor).toBeNull();
  });

  it('a webhook source keeps a secret named by fingerprint, refuses an unknown one and applies nothing', async () => {
    const { editor } = await tenantWithEditor('rt4');
    const path = '/v1/tenants/rt4/webhooks/netbox';
    await ok(call('PUT', path, { token: editor, body: { secrets: ['first-long-secret'] } }), 201);
    const got = (await ok(call('GET', path, { token: editor }))).body;
    const rotated = await ok(
      call('PUT', path, { token: editor, body: { secrets: [got.secrets[0], 'second-long-secret'] } }),
    );
    expect(rotated.body.secrets[0]).toEqual(got.secrets[0]);
    expect(rotated.body.secrets).toHaveLength(2);
    const unknown = await call('PUT', path, {
      token: editor,
      body: { secrets: [{ fingerprint: '0123456789ab' }], hypervisors: { x: 'hv-1' } },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain('body.secrets[0].fingerprint');
    expect((await ok(call('GET', path, { token: editor }))).body).toEqual(rotated.body);
  });

  it('an id or kind in the body that differs from the path is refused', async () => {
    const { editor } = await tenantWithEditor('rt5');
    const app = await call('PUT', '/v1/tenants/rt5/apps/a', { token: editor, body: { id: 'b' } });
    expect([app.status, app.body.error.message]).toEqual([400, expect.stringContaining('body.id')]);
    const tenant = await call('PATCH', '/v1/tenants/rt5', { body: { id: 'other' } });
    expect([tenant.status, tenant.body.error.message]).toEqual([400, expect.stringContaining('body.id')]);
    const source = await call('PUT', '/v1/tenants/rt5/webhooks/netbox', {
      token: editor,
      body: { kind: 'events', secrets: ['a-long-random-secret'] },
    });
    expect([source.status, source.body.error.message]).toEqual([400, expect.stringContaining('body.kind')]);
    expect((await call('GET', '/v1/tenants/rt5/apps/a', { token: editor })).status).toBe(404);
  });

  it('the apps list pages by cursor', async () => {
    const { editor } = await tenantWithEditor('rt6');
    for (const id of ['a1', 'a2', 'a3'])
      await ok(call('PUT', `/v1/tenants/rt6/apps/${id}`, { token: editor, body: {} }), 201);
    const first = (await ok(call('GET', '/v1/tenants/rt6/apps?limit=2', { token: editor }))).body;
    expect(first.items.map((a: { id: string }) => a.id)).toEqual(['a1', 'a2']);
    const rest = (
      await ok(call('GET', `/v1/tenants/rt6/apps?limit=2&cursor=${first.nextCursor}`, { token: editor }))
    ).body;
    expect(rest.items.map((a: { id: string }) => a.id)).toEqual(['a3']);
  });

  it('hostile input to the new pieces gets a 400 naming the field, and another tenant sees nothing', async () => {
    const { editor } = await tenantWithEditor('rt7');
    await tenantWithEditor('rt8');
    for (const q of ['limit=0', 'limit=x', 'cursor=%25%25', 'bogus=1']) {
      const r = await call('GET', `/v1/tenants/rt7/apps?${q}`, { token: editor });
      expect([q, r.status, r.body.error.message]).toEqual([q, 400, expect.stringMatching(/query/)]);
    }
    const bad = await call('PUT', '/v1/tenants/rt7/webhooks/netbox', {
      token: editor,
      body: { secrets: [{ fingerprint: 'not-hex' }] },
    });
    expect([bad.status, bad.body.error.message]).toEqual([400, expect.stringContaining('body.secrets[0]')]);
    expect((await call('GET', '/v1/tenants/rt8/apps', { token: editor })).status).toBe(404);
  });

  it('two concurrent put-backs of a GET change nothing, and two concurrent rotations both keep the stored secret', async () => {
    const { editor } = await tenantWithEditor('rt9');
    const app = objects.find(([p]) => p.includes('/apps/'))![1];
    await ok(call('PUT', '/v1/tenants/rt9/apps/shop', { token: editor, body: app }), 201);
    const source = '/v1/tenants/rt9/webhooks/netbox';
    await ok(call('PUT', source, { token: editor, body: { secrets: ['first-long-secret'] } }), 201);
    const revision = (await ok(call('GET', '/v1/tenants/rt9', { token: editor }))).body.revision;
    const got = (await ok(call('GET', '/v1/tenants/rt9/apps/shop', { token: editor }))).body;
    const back = await Promise.all(
      [1, 2].map(() => call('PUT', '/v1/tenants/rt9/apps/shop', { token: editor, body: got })),
    );
    expect(back.map((r) => r.status)).toEqual([200, 200]);
    expect((await ok(call('GET', '/v1/tenants/rt9', { token: editor }))).body.revision).toBe(revision);

    const kept = (await ok(call('GET', source, { token: editor }))).body.secrets[0];
    const rotations = await Promise.all(
      ['second-long-secret', 'third-long-secret'].map((fresh) =>
        call('PUT', source, { token: editor, body: { secrets: [kept, fresh] } }),
      ),
    );
    expect(rotations.map((r) => r.status)).toEqual([200, 200]);
    const after = (await ok(call('GET', source, { token: editor }))).body;
    expect(after.secrets[0]).toEqual(kept);
    expect(after.secrets).toHaveLength(2);
  });
});
