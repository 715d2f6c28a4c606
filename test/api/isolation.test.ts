import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from './client.js';
import { hypervisor, workload } from './fixtures.js';

describe('tenant isolation and roles', () => {
  it('an editor or auditor of A cannot read, list, change or reference anything of B', async () => {
    await createTenant('ta');
    await createTenant('tb');
    await hypervisor('hv-1');
    const editorA = await issueToken('editor', { tenant: 'ta' });
    const auditorA = await issueToken('auditor', { tenant: 'ta' });
    const editorB = await issueToken('editor', { tenant: 'tb' });
    await workload('tb', 'secret', 'hv-1', ['10.0.0.1'], {}, editorB);
    await ok(call('PUT', '/v1/tenants/tb/groups/b-group', { token: editorB, body: {} }), 201);

    for (const token of [editorA, auditorA]) {
      for (const path of [
        '/v1/tenants/tb',
        '/v1/tenants/tb/workloads/secret',
        '/v1/tenants/tb/workloads',
        '/v1/tenants/tb/groups',
        '/v1/tenants/tb/groups/b-group/members',
        '/v1/tenants/tb/audit',
      ]) {
        const r = await call('GET', path, { token });
        expect(r.status, path).toBe(404);
      }
    }
    const write = await call('PUT', '/v1/tenants/tb/workloads/x', {
      token: editorA,
      body: { hypervisor: 'hv-1' },
    });
    expect(write.status).toBe(404);
    const del = await call('DELETE', '/v1/tenants/tb/workloads/secret', { token: editorA });
    expect(del.status).toBe(404);
    // referencing B's group from A is a reference to an unknown group
    const ref = await call('PUT', '/v1/tenants/ta/policies/p', {
      token: editorA,
      body: {
        category: 'application',
        priority: 1,
        rules: [{ id: 'r', action: 'allow', sources: { groups: ['b-group'] } }],
      },
    });
    expect(ref.status).toBe(422);
    const nest = await call('PUT', '/v1/tenants/ta/groups/g', {
      token: editorA,
      body: { members: { groups: ['b-group'] } },
    });
    expect(nest.status).toBe(422);
    // B's workload is untouched
    expect((await call('GET', '/v1/tenants/tb/workloads/secret', { token: editorB })).status).toBe(200);
  });

  it('auditors cannot write (403); agents and inventory tokens cannot touch policy', async () => {
    await createTenant('tc');
    await hypervisor('hv-1');
    const auditor = await issueToken('auditor', { tenant: 'tc' });
    const agent = await issueToken('agent', { hypervisor: 'hv-1' });
    const inventory = await issueToken('inventory', { tenant: 'tc' });
    const body = { entries: [{ proto: 'tcp', ports: '1' }] };
    expect((await call('PUT', '/v1/tenants/tc/services/s', { token: auditor, body })).status).toBe(403);
    expect((await call('PUT', '/v1/tenants/tc/services/s', { token: agent, body })).status).toBe(404);
    expect((await call('PUT', '/v1/tenants/tc/services/s', { token: inventory, body })).status).toBe(403);
    expect((await call('PUT', '/v1/hypervisors/hv-9', { token: auditor, body: { name: 'x' } })).status).toBe(
      403,
    );
    await ok(call('GET', '/v1/hypervisors', { token: auditor }));
    expect((await call('GET', '/v1/tenants/tc/services', { token: auditor })).status).toBe(200);
  });

  it('hypervisors: admin CRUD, 409 when still hosting workloads', async () => {
    await createTenant('td');
    await ok(call('PUT', '/v1/hypervisors/hv-x', { body: { name: 'X' } }), 201);
    await ok(call('PUT', '/v1/hypervisors/hv-x', { body: { name: 'X2' } }));
    expect((await ok(call('GET', '/v1/hypervisors/hv-x'))).body).toEqual({ id: 'hv-x', name: 'X2' });
    await workload('td', 'w', 'hv-x', []);
    expect((await call('DELETE', '/v1/hypervisors/hv-x')).status).toBe(409);
    await ok(call('DELETE', '/v1/tenants/td/workloads/w'), 204);
    await ok(call('DELETE', '/v1/hypervisors/hv-x'), 204);
  });
});
