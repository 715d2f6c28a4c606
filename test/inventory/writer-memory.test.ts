import { describe, expect, it } from 'vitest';
import { call, ok } from '../api/client.js';
import { hypervisor, tenantWithEditor } from '../api/fixtures.js';
import { addressBody, interfaceBody, postNetbox, vmBody } from './netbox-client.js';

const SECRET = 'writer-memory-secret-19';

async function netboxTenant(t: string) {
  await hypervisor('hv-m1');
  const { editor } = await tenantWithEditor(t);
  await ok(
    call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
      token: editor,
      body: { secrets: [SECRET], hypervisors: { 'esx-03.fra1.example.net': 'hv-m1' } },
    }),
    201,
  );
  return editor;
}

const workload = async (t: string, token: string, id: string) =>
  (await call('GET', `/v1/tenants/${t}/workloads/${id}`, { token })).body;

// the writer remembers what D1 holds between batches: writes through the API must still be seen at once
describe('the NetBox writer and writes it did not make', () => {
  it('sees a vNIC id the API gave another workload right before the interface arrives', async () => {
    const t = 'wh-mem-vnic';
    const editor = await netboxTenant(t);
    expect((await postNetbox(t, vmBody('created', 710), SECRET)).body.outcome).toBe('applied');
    await ok(
      call('PUT', `/v1/tenants/${t}/workloads/squatter`, {
        token: editor,
        body: { hypervisor: 'hv-m1', vnics: [{ id: 'netbox-if-7100', ips: ['10.71.0.9'] }] },
      }),
      201,
    );
    const taken = await postNetbox(t, interfaceBody('created', 7100, 710), SECRET);
    expect(taken.status, JSON.stringify(taken.body)).toBe(422);
    expect(taken.body.error.code).toBe('vnic-taken');
    expect((await workload(t, editor, 'netbox-vm-710')).vnics).toEqual([]);
  });

  it('updates a workload the API created under a NetBox id instead of creating it blind', async () => {
    const t = 'wh-mem-wl';
    const editor = await netboxTenant(t);
    expect((await postNetbox(t, vmBody('created', 720), SECRET)).body.outcome).toBe('applied');
    await ok(
      call('PUT', `/v1/tenants/${t}/workloads/netbox-vm-721`, {
        token: editor,
        body: { hypervisor: 'hv-m1', vnics: [], tags: ['hand-made'] },
      }),
      201,
    );
    const answer = await postNetbox(t, vmBody('created', 721), SECRET);
    expect(answer.body.outcome).toBe('applied');
    const audit = (await ok(call('GET', `/v1/tenants/${t}/audit?limit=50`, { token: editor }))).body
      .items as {
      actor: string;
      action: string;
      object: { id: string };
    }[];
    const byWriter = audit.filter((e) => e.actor === 'webhook:netbox' && e.object.id === 'netbox-vm-721');
    expect(byWriter.map((e) => e.action)).toEqual(['update']);
    expect((await workload(t, editor, 'netbox-vm-721')).name).toBe('vm-721');
  });

  it('keeps detecting stale and duplicate deliveries across batches', async () => {
    const t = 'wh-mem-stale';
    const editor = await netboxTenant(t);
    const older = vmBody('updated', 730, { name: 'old-name' });
    const created = vmBody('created', 730);
    const address = addressBody('created', 73_000, '10.73.0.5/24', 7300, 730);
    expect((await postNetbox(t, created, SECRET)).body.outcome).toBe('applied');
    expect((await postNetbox(t, address, SECRET)).body.outcome).toBe('applied');
    expect((await postNetbox(t, interfaceBody('created', 7300, 730), SECRET)).body.outcome).toBe('applied');
    expect((await postNetbox(t, older, SECRET)).body.outcome).toBe('stale');
    expect((await postNetbox(t, created, SECRET)).body.outcome).toBe('duplicate');
    const w = await workload(t, editor, 'netbox-vm-730');
    expect(w.name).toBe('vm-730');
    expect(w.vnics).toEqual([expect.objectContaining({ id: 'netbox-if-7300', ips: ['10.73.0.5'] })]);
  });

  it('checks signatures against the source as it is now: a rotation applies at once', async () => {
    const t = 'wh-mem-rotate';
    const editor = await netboxTenant(t);
    expect((await postNetbox(t, vmBody('created', 740), SECRET)).body.outcome).toBe('applied');
    const next = 'writer-memory-secret-20';
    await ok(
      call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
        token: editor,
        body: { secrets: [next], hypervisors: { 'esx-03.fra1.example.net': 'hv-m1' } },
      }),
    );
    const old = await postNetbox(t, vmBody('created', 741), SECRET);
    expect(old.status).toBe(401);
    expect((await postNetbox(t, vmBody('created', 742), next)).body.outcome).toBe('applied');
    expect((await call('GET', `/v1/tenants/${t}/workloads/netbox-vm-741`, { token: editor })).status).toBe(
      404,
    );
    expect((await postNetbox('wh-mem-nobody', vmBody('created', 743), SECRET)).status).toBe(401);
  });
});
