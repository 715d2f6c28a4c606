import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, ok } from '../api/client.js';
import { tenantWithEditor } from '../api/fixtures.js';
import { postStandard } from './netbox-client.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

/** The same CloudEvent in binary mode: its data as the body, the other attributes as ce-* headers. */
function binary(structured: string) {
  const { data, datacontenttype, ...attributes } = JSON.parse(structured) as Record<string, unknown>;
  const headers: Record<string, string> = { 'content-type': String(datacontenttype ?? 'application/json') };
  for (const [k, v] of Object.entries(attributes)) headers[`ce-${k}`] = String(v);
  return { body: JSON.stringify(data), headers };
}

async function put(
  t: string,
  editor: string,
  id: string,
  hypervisor: string,
  extra: Record<string, unknown>,
) {
  return ok(
    call('PUT', `/v1/tenants/${t}/workloads/${id}`, {
      token: editor,
      body: { hypervisor, vnics: [{ id: `${id}-eth0`, ips: ['10.7.0.1'] }], ...extra },
    }),
    201,
  );
}

describe('vCenter events (VEBA CloudEvents, Standard Webhooks signed)', { timeout: 60_000 }, () => {
  it('migrates on VmMigratedEvent once, deletes on VmRemovedEvent, ignores the rest', async () => {
    const t = 'vc-1';
    const { editor } = await tenantWithEditor(t);
    await ok(
      call('PUT', `/v1/tenants/${t}/webhooks/vcenter`, {
        token: editor,
        body: {
          secrets: [SECRET],
          hypervisors: { '192.168.30.100': 'hv-1', '192.168.30.101': 'hv-2', '192.168.30.5': 'hv-1' },
        },
      }),
      201,
    );
    await put(t, editor, 'test-vm', 'hv-2', { name: 'TestVM-01', attributes: { 'vcenter.vm': 'vm-15161' } });
    await put(t, editor, 'foobar', 'hv-1', { name: 'FooBar' });

    const moved = await postStandard(t, 'vcenter', env.VCENTER_MIGRATED, SECRET, { headers: STRUCTURED });
    expect(moved.status).toBe(200);
    expect(moved.body.outcome).toBe('applied');
    const w = await ok(call('GET', `/v1/tenants/${t}/workloads/test-vm`, { token: editor }));
    expect(w.body.hypervisor).toBe('hv-1');

    // the relay re-signs a redelivery; the CloudEvent (source, id) names it, in either mode
    const again = await postStandard(t, 'vcenter', env.VCENTER_MIGRATED, SECRET, { headers: STRUCTURED });
    expect(again.body.outcome).toBe('duplicate');
    const b = binary(env.VCENTER_MIGRATED);
    expect((await postStandard(t, 'vcenter', b.body, SECRET, { headers: b.headers })).body.outcome).toBe(
      'duplicate',
    );

    const removed = binary(env.VCENTER_REMOVED);
    const del = await postStandard(t, 'vcenter', removed.body, SECRET, { headers: removed.headers });
    expect(del.body.outcome).toBe('applied');
    expect((await call('GET', `/v1/tenants/${t}/workloads/foobar`, { token: editor })).status).toBe(404);

    const legacy = await postStandard(t, 'vcenter', env.VCENTER_LEGACY, SECRET, { headers: STRUCTURED });
    expect(legacy.status).toBe(200);
    expect(legacy.body.outcome).toBe('ignored');

    const log = await ok(call('GET', `/v1/tenants/${t}/webhooks/vcenter/deliveries`, { token: editor }));
    expect(log.body.items.map((d: { outcome: string }) => d.outcome)).toEqual([
      'ignored',
      'applied',
      'duplicate',
      'duplicate',
      'applied',
    ]);
  });

  it('a power-on elsewhere migrates; an unmapped host is rejected and replays once mapped', async () => {
    const t = 'vc-2';
    const { editor } = await tenantWithEditor(t);
    const source = (hypervisors: Record<string, string>) =>
      call('PUT', `/v1/tenants/${t}/webhooks/vcenter`, {
        token: editor,
        body: { secrets: [SECRET], hypervisors },
      });
    await ok(source({}), 201);
    await put(t, editor, 'vm1', 'hv-1', { name: 'vm1' });

    const on = await postStandard(t, 'vcenter', env.VCENTER_POWERED_ON, SECRET, { headers: STRUCTURED });
    expect(on.status).toBe(422);
    expect(on.body.error.code).toBe('unknown-hypervisor');
    expect((await call('GET', `/v1/tenants/${t}/workloads/vm1`, { token: editor })).body.hypervisor).toBe(
      'hv-1',
    );

    await ok(source({ 'host-15': 'hv-2' }));
    const replay = await call(
      'POST',
      `/v1/tenants/${t}/webhooks/vcenter/deliveries/${on.body.error.details.delivery}/replay`,
      { token: editor },
    );
    expect([200, 201]).toContain(replay.status);
    expect(replay.body.outcome).toBe('applied');
    expect((await call('GET', `/v1/tenants/${t}/workloads/vm1`, { token: editor })).body.hypervisor).toBe(
      'hv-2',
    );
  });

  it('a body that is no CloudEvent is a 400 naming the field', async () => {
    const t = 'vc-3';
    const { editor } = await tenantWithEditor(t);
    await ok(
      call('PUT', `/v1/tenants/${t}/webhooks/vcenter`, { token: editor, body: { secrets: [SECRET] } }),
      201,
    );
    const bad = await postStandard(t, 'vcenter', '{"specversion":"1.0","id":"x"}', SECRET, {
      headers: STRUCTURED,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.data: missing/);
  });
});
