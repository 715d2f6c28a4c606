import { describe, expect, it } from 'vitest';
import { call, ok } from '../api/client.js';
import { tenantWithEditor } from '../api/fixtures.js';
import { postNetbox, vmBody } from './netbox-client.js';

const SECRET = 'ownership-netbox-secret';

describe('workloads a webhook source creates belong to that source', () => {
  it('another source cannot sync them away; a NetBox resync owns them', async () => {
    const t = 'own-1';
    const { editor } = await tenantWithEditor(t);
    await ok(
      call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
        token: editor,
        body: { secrets: [SECRET], hypervisors: { 'esx-03.fra1.example.net': 'hv-1' } },
      }),
      201,
    );
    expect((await postNetbox(t, vmBody('created', 7), SECRET)).body.outcome).toBe('applied');
    const vm = await ok(call('GET', `/v1/tenants/${t}/workloads/netbox-vm-7`, { token: editor }));
    const desired = { workloads: [{ ...vm.body, name: 'renamed' }] };

    const other = await call('PUT', `/v1/tenants/${t}/inventory/cmdb`, { token: editor, body: desired });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toContain('source "netbox"');

    const resync = await call('PUT', `/v1/tenants/${t}/inventory/netbox`, { token: editor, body: desired });
    expect(resync.status).toBe(200);
    expect((await call('GET', `/v1/tenants/${t}/workloads/netbox-vm-7`, { token: editor })).body.name).toBe(
      'renamed',
    );
  });
});
