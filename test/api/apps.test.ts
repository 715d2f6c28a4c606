import { describe, expect, it } from 'vitest';
import { call, ok } from './client.js';
import { tenantWithEditor } from './fixtures.js';

const shop = {
  groups: {
    'shop-web': { criteria: { field: 'tag', op: 'equals', value: 'app=shop' } },
    'shop-db': { members: { cidrs: ['10.5.0.0/24'] } },
  },
  services: { 'shop-api': { entries: [{ proto: 'tcp', ports: '8443' }] } },
  policies: {
    'shop-in': {
      category: 'application',
      priority: 5,
      rules: [
        {
          id: 'web-to-db',
          sources: { groups: ['shop-web'] },
          destinations: { groups: ['shop-db'] },
          services: ['shop-api'],
          action: 'allow',
        },
      ],
    },
  },
};

describe('apps', () => {
  it('dry-run returns the diff and changes nothing', async () => {
    const { editor } = await tenantWithEditor('app1');
    const before = (await call('GET', '/v1/tenants/app1', { token: editor })).body.revision;
    const dry = await ok(
      call('PUT', '/v1/tenants/app1/apps/shop?dryRun=true', { token: editor, body: shop }),
    );
    expect(dry.body.created).toEqual([
      { kind: 'group', id: 'shop-db' },
      { kind: 'group', id: 'shop-web' },
      { kind: 'service', id: 'shop-api' },
      { kind: 'policy', id: 'shop-in' },
    ]);
    expect(dry.body.dryRun).toBe(true);
    expect((await call('GET', '/v1/tenants/app1', { token: editor })).body.revision).toBe(before);
    expect((await call('GET', '/v1/tenants/app1/groups/shop-web', { token: editor })).status).toBe(404);
    expect((await call('GET', '/v1/tenants/app1/apps/shop', { token: editor })).status).toBe(404);
  });

  it('applies declaratively, idempotently, and updates only what changed', async () => {
    const { editor } = await tenantWithEditor('app2');
    const first = await ok(call('PUT', '/v1/tenants/app2/apps/shop', { token: editor, body: shop }), 201);
    expect(first.body.created).toHaveLength(4);
    const p = await ok(call('GET', '/v1/tenants/app2/policies/shop-in', { token: editor }));
    expect(p.body.app).toBe('shop');
    const again = await ok(call('PUT', '/v1/tenants/app2/apps/shop', { token: editor, body: shop }));
    expect(again.body.created).toEqual([]);
    expect(again.body.updated).toEqual([]);
    const changed = structuredClone(shop) as typeof shop & { services: Record<string, unknown> };
    changed.services['shop-api'] = { entries: [{ proto: 'tcp', ports: '9443' }] };
    delete (changed.groups as Record<string, unknown>)['shop-db'];
    changed.policies['shop-in'].rules[0]!.destinations = { groups: [], cidrs: ['10.5.0.0/24'] } as never;
    const diff = await ok(call('PUT', '/v1/tenants/app2/apps/shop', { token: editor, body: changed }));
    expect(diff.body.updated).toEqual([
      { kind: 'service', id: 'shop-api' },
      { kind: 'policy', id: 'shop-in' },
    ]);
    expect(diff.body.deleted).toEqual([{ kind: 'group', id: 'shop-db' }]);
    expect((await call('GET', '/v1/tenants/app2/groups/shop-db', { token: editor })).status).toBe(404);
    // app-owned objects are changed through the app only
    const direct = await call('DELETE', '/v1/tenants/app2/policies/shop-in', { token: editor });
    expect(direct.status).toBe(409);
    expect(direct.body.error.code).toBe('owned-by-app');
  });

  it('delete removes every group, service, policy and rule the app owns', async () => {
    const { editor } = await tenantWithEditor('app3');
    await ok(call('PUT', '/v1/tenants/app3/apps/shop', { token: editor, body: shop }), 201);
    await ok(call('DELETE', '/v1/tenants/app3/apps/shop', { token: editor }), 204);
    for (const path of [
      'groups/shop-web',
      'groups/shop-db',
      'services/shop-api',
      'policies/shop-in',
      'apps/shop',
    ])
      expect((await call('GET', `/v1/tenants/app3/${path}`, { token: editor })).status, path).toBe(404);
    const lists = await Promise.all(
      ['groups', 'services', 'policies'].map((k) => call('GET', `/v1/tenants/app3/${k}`, { token: editor })),
    );
    for (const l of lists) expect(l.body.items).toEqual([]);
  });

  it('is all or nothing: an invalid policy leaves nothing of the app behind', async () => {
    const { editor } = await tenantWithEditor('app4');
    const broken = structuredClone(shop);
    broken.policies['shop-in'].rules[0]!.services = ['ghost'];
    const r = await call('PUT', '/v1/tenants/app4/apps/shop', { token: editor, body: broken });
    expect(r.status).toBe(422);
    expect((await call('GET', '/v1/tenants/app4/groups/shop-web', { token: editor })).status).toBe(404);
  });

  it('cannot take over objects that exist outside the app', async () => {
    const { editor } = await tenantWithEditor('app5');
    await ok(call('PUT', '/v1/tenants/app5/groups/shop-web', { token: editor, body: {} }), 201);
    const r = await call('PUT', '/v1/tenants/app5/apps/shop', { token: editor, body: shop });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('owned-elsewhere');
  });
});
