import { describe, expect, it } from 'vitest';
import { call, ok } from './client.js';
import { tenantWithEditor, workload } from './fixtures.js';

describe('workloads and groups', () => {
  it('stores a workload idempotently and bumps the revision once', async () => {
    const { editor } = await tenantWithEditor('inv1');
    const body = {
      name: 'web-1',
      hypervisor: 'hv-1',
      vnics: [{ id: 'web-1-eth0', mac: '00:50:56:AA:BB:CC', ips: ['10.0.1.5', '2001:DB8::5'] }],
      os: 'ubuntu',
      tags: ['tier=web'],
      attributes: { compliance: 'pci' },
    };
    const first = await ok(call('PUT', '/v1/tenants/inv1/workloads/web-1', { token: editor, body }), 201);
    expect(first.body.vnics[0]).toEqual({
      id: 'web-1-eth0',
      mac: '00:50:56:aa:bb:cc',
      ips: ['10.0.1.5', '2001:db8::5'],
    });
    expect(first.headers.get('etag')).toBe('"2"');
    const again = await ok(call('PUT', '/v1/tenants/inv1/workloads/web-1', { token: editor, body }));
    expect(again.headers.get('etag')).toBe('"2"');
    const got = await ok(call('GET', '/v1/tenants/inv1/workloads/web-1', { token: editor }));
    expect(got.body).toEqual(first.body);
    const list = await ok(call('GET', '/v1/tenants/inv1/workloads', { token: editor }));
    expect(list.body.items.map((w: { id: string }) => w.id)).toEqual(['web-1']);
    expect(list.body.nextCursor).toBeNull();
  });

  it('paginates with cursors', async () => {
    const { editor } = await tenantWithEditor('pages');
    for (const id of ['a', 'b', 'c']) await workload('pages', id, 'hv-1', [], {}, editor);
    const p1 = await ok(call('GET', '/v1/tenants/pages/workloads?limit=2', { token: editor }));
    expect(p1.body.items.map((w: { id: string }) => w.id)).toEqual(['a', 'b']);
    const p2 = await ok(
      call('GET', `/v1/tenants/pages/workloads?limit=2&cursor=${p1.body.nextCursor}`, { token: editor }),
    );
    expect(p2.body.items.map((w: { id: string }) => w.id)).toEqual(['c']);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('rejects invalid workload fields with 400 naming the field, and unknown hypervisors with 422', async () => {
    const { editor } = await tenantWithEditor('inv2');
    const cases: [unknown, RegExp][] = [
      [{ hypervisor: 'hv-1', vnics: [{ id: 'e', ips: ['10.0.0.300'] }] }, /^body\.vnics\[0\]\.ips\[0\]:/],
      [{ hypervisor: 'hv-1', vnics: [{ id: 'e', mac: 'zz', ips: [] }] }, /^body\.vnics\[0\]\.mac:/],
      [{ vnics: [] }, /^body\.hypervisor:/],
      [{ hypervisor: 'hv-1', tags: 'web' }, /^body\.tags:/],
      [{ hypervisor: 'hv-1', attributes: { a: 1 } }, /^body\.attributes\.a:/],
    ];
    for (const [body, message] of cases) {
      const r = await call('PUT', '/v1/tenants/inv2/workloads/w', { token: editor, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
    const unknown = await call('PUT', '/v1/tenants/inv2/workloads/w', {
      token: editor,
      body: { hypervisor: 'nope' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown-hypervisor');
    const badId = await call('PUT', '/v1/tenants/inv2/workloads/bad%20id', {
      token: editor,
      body: { hypervisor: 'hv-1' },
    });
    expect(badId.status).toBe(400);
  });

  it('refuses a vNIC id owned by another workload with 409', async () => {
    const { editor } = await tenantWithEditor('inv3');
    await workload('inv3', 'a', 'hv-1', ['10.0.0.1'], {}, editor);
    const r = await call('PUT', '/v1/tenants/inv3/workloads/b', {
      token: editor,
      body: { hypervisor: 'hv-1', vnics: [{ id: 'a-eth0', ips: [] }] },
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('vnic-taken');
  });

  it('resolves static, nested, CIDR and dynamic members, following tag changes', async () => {
    const { editor } = await tenantWithEditor('grp');
    await workload('grp', 'web-1', 'hv-1', ['10.0.1.5'], { tags: ['tier=web'] }, editor);
    await workload('grp', 'db-1', 'hv-2', ['10.0.2.7', 'fd00::7'], { tags: ['tier=db'] }, editor);
    const put = (id: string, body: unknown) =>
      call('PUT', `/v1/tenants/grp/groups/${id}`, { token: editor, body });
    await ok(put('web', { criteria: { field: 'tag', op: 'equals', value: 'tier=web' } }), 201);
    await ok(put('db', { members: { workloads: ['db-1'] } }), 201);
    await ok(put('all', { members: { groups: ['web', 'db'], cidrs: ['192.168.0.0/16'] } }), 201);
    const members = async (id: string) =>
      (await ok(call('GET', `/v1/tenants/grp/groups/${id}/members`, { token: editor }))).body;
    expect(await members('web')).toEqual({
      workloads: ['web-1'],
      vnics: ['web-1-eth0'],
      addresses: ['10.0.1.5/32'],
    });
    const all = await members('all');
    expect(all.workloads.sort()).toEqual(['db-1', 'web-1']);
    expect(all.addresses).toEqual(
      expect.arrayContaining(['10.0.1.5/32', '10.0.2.7/32', '192.168.0.0/16', 'fd00::7/128']),
    );
    // a tag change moves db-1 into the dynamic group, with no group edit
    await ok(
      call('PUT', '/v1/tenants/grp/workloads/db-1', {
        token: editor,
        body: { hypervisor: 'hv-2', vnics: [{ id: 'db-1-eth0', ips: ['10.0.2.8'] }], tags: ['tier=web'] },
      }),
    );
    expect((await members('web')).workloads.sort()).toEqual(['db-1', 'web-1']);
    expect((await members('web')).addresses).toContain('10.0.2.8/32');
    const filtered = await ok(call('GET', '/v1/tenants/grp/workloads?group=web', { token: editor }));
    expect(filtered.body.items.length).toBe(2);
  });

  it('rejects nesting cycles and unknown nested groups with 422', async () => {
    const { editor } = await tenantWithEditor('cyc');
    const put = (id: string, groups: string[]) =>
      call('PUT', `/v1/tenants/cyc/groups/${id}`, { token: editor, body: { members: { groups } } });
    await ok(put('a', []), 201);
    await ok(put('b', ['a']), 201);
    const cycle = await put('a', ['b']);
    expect(cycle.status).toBe(422);
    expect(cycle.body.error.code).toBe('group-cycle');
    const self = await put('c', ['c']);
    expect(self.status).toBe(422);
    const unknown = await put('d', ['ghost']);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown-group');
  });

  it('validates criteria expressions', async () => {
    const { editor } = await tenantWithEditor('crit');
    const bad = [
      { field: 'colour', op: 'equals', value: 'x' },
      { field: 'tag', op: 'like', value: 'x' },
      { field: 'tag', op: 'in', value: 'x' },
      { all: [] },
    ];
    for (const criteria of bad) {
      const r = await call('PUT', '/v1/tenants/crit/groups/g', { token: editor, body: { criteria } });
      expect(r.status, JSON.stringify(criteria)).toBe(400);
      expect(r.body.error.message).toMatch(/^body\.criteria/);
    }
    const good = {
      all: [
        { field: 'attributes.compliance', op: 'equals', value: 'pci' },
        { not: { field: 'name', op: 'startsWith', value: 'test-' } },
        {
          any: [
            { field: 'os', op: 'in', value: ['ubuntu', 'rhel'] },
            { field: 'user', op: 'exists' },
          ],
        },
      ],
    };
    await ok(call('PUT', '/v1/tenants/crit/groups/g', { token: editor, body: { criteria: good } }), 201);
  });
});
