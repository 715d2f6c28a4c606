import { describe, expect, it } from 'vitest';
import { call, ok } from '../api/client.js';
import { tenantWithEditor } from '../api/fixtures.js';
import { postNetbox, vmBody } from './netbox-client.js';

const SECRET = 'isolation-netbox-secret';

describe("one tenant's webhook sources are invisible to another", () => {
  it("another tenant's editor sees 404 everywhere, and A's secret does not sign for B", async () => {
    const a = await tenantWithEditor('wi-a');
    const b = await tenantWithEditor('wi-b');
    const source = { secrets: [SECRET], hypervisors: { 'esx-03.fra1.example.net': 'hv-1' } };
    await ok(call('PUT', '/v1/tenants/wi-a/webhooks/netbox', { token: a.editor, body: source }), 201);
    const delivered = await postNetbox('wi-a', vmBody('created', 3), SECRET);
    expect(delivered.body.outcome).toBe('applied');

    const asB = { token: b.editor };
    expect((await call('GET', '/v1/tenants/wi-a/webhooks/netbox', asB)).status).toBe(404);
    expect((await call('PUT', '/v1/tenants/wi-a/webhooks/netbox', { ...asB, body: source })).status).toBe(
      404,
    );
    expect((await call('DELETE', '/v1/tenants/wi-a/webhooks/netbox', asB)).status).toBe(404);
    expect((await call('GET', '/v1/tenants/wi-a/webhooks/netbox/deliveries', asB)).status).toBe(404);
    const replay = `/v1/tenants/wi-a/webhooks/netbox/deliveries/${delivered.body.delivery}/replay`;
    expect((await call('POST', replay, asB)).status).toBe(404);
    expect(
      (await call('PUT', '/v1/tenants/wi-a/inventory/nb', { ...asB, body: { workloads: [] } })).status,
    ).toBe(404);

    // B has no source; a delivery signed with A's secret is refused there like any unsigned one
    expect((await postNetbox('wi-b', vmBody('created', 4), SECRET)).status).toBe(401);
    expect((await call('GET', '/v1/tenants/wi-b/workloads', asB)).body.items).toEqual([]);
    expect((await call('GET', '/v1/tenants/wi-a/webhooks/netbox', { token: a.editor })).status).toBe(200);
  });
});
