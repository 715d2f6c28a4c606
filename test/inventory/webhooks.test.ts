import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, issueToken, ok } from '../api/client.js';
import { tenantWithEditor } from '../api/fixtures.js';
import {
  addressBody,
  interfaceBody,
  netboxSignature,
  postNetbox,
  postStandard,
  tick,
  vmBody,
} from './netbox-client.js';

const SECRET = 'test-webhook-secret-123';
const CAPTURED_SIGNATURE =
  'f756f462809c6cb1a7b4d3a47a7ea6216a3f7ca84aa411f5bb2bc95439831868ae7a89675dcbefe9d07aff8647d53a31b6d75a0f9c720c60660e44946e8eb968';
const HOSTS = { 'esx-03.fra1.example.net': 'hv-1', 'esx-04.fra1.example.net': 'hv-2' };
const EVENTS_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function netboxTenant(t: string, hypervisors: Record<string, string> = HOSTS) {
  const { editor } = await tenantWithEditor(t);
  await ok(
    call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
      token: editor,
      body: { secrets: [SECRET], hypervisors },
    }),
    201,
  );
  return editor;
}

const applied = async (res: ReturnType<typeof postNetbox>, outcome = 'applied') => {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.outcome, JSON.stringify(r.body)).toBe(outcome);
  return r.body;
};

const workloads = async (t: string, token: string) =>
  (await ok(call('GET', `/v1/tenants/${t}/workloads`, { token }))).body.items;

describe('webhook sources', () => {
  it('keeps secrets write-only: GET and the audit log show fingerprints', async () => {
    const editor = await netboxTenant('wh-src');
    const auditor = await issueToken('auditor', { tenant: 'wh-src' });
    const got = await ok(call('GET', '/v1/tenants/wh-src/webhooks/netbox', { token: auditor }));
    expect(got.body).toMatchObject({ kind: 'netbox', hypervisors: HOSTS, enabled: true });
    expect(got.body.secrets).toEqual([{ fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) }]);
    expect(JSON.stringify(got.body)).not.toContain(SECRET);
    const log = await ok(call('GET', '/v1/tenants/wh-src/audit', { token: auditor }));
    expect(JSON.stringify(log.body)).toContain('webhook-source');
    expect(JSON.stringify(log.body)).not.toContain(SECRET);
    const refused = await call('PUT', '/v1/tenants/wh-src/webhooks/netbox', {
      token: auditor,
      body: { secrets: [SECRET] },
    });
    expect(refused.status).toBe(403);
    const bad = await call('PUT', '/v1/tenants/wh-src/webhooks/netbox', {
      token: editor,
      body: { secrets: ['a-secret-1', 'a-secret-2', 'a-secret-3'] },
    });
    expect(bad.status).toBe(400);
    expect((await call('PUT', '/v1/tenants/wh-src/webhooks/jira', { token: editor, body: {} })).status).toBe(
      400,
    );
    const notWhsec = await call('PUT', '/v1/tenants/wh-src/webhooks/events', {
      token: editor,
      body: { secrets: ['plain-text-secret'] },
    });
    expect(notWhsec.status).toBe(400);
    expect(notWhsec.body.error.message).toContain('whsec_');
    await ok(call('DELETE', '/v1/tenants/wh-src/webhooks/netbox', { token: editor }), 204);
    expect((await call('GET', '/v1/tenants/wh-src/webhooks/netbox', { token: editor })).status).toBe(404);
  });
});

describe('delivery signatures', () => {
  it('accepts the captured NetBox v4.6.0 delivery as sent, once', async () => {
    const editor = await netboxTenant('wh-sig');
    const body = env.NETBOX_CAPTURED_V46;
    const first = await applied(postNetbox('wh-sig', body, null, CAPTURED_SIGNATURE));
    expect(first.revision).toBeGreaterThan(0);
    await applied(postNetbox('wh-sig', body, null, CAPTURED_SIGNATURE), 'duplicate');
    const log = await ok(call('GET', '/v1/tenants/wh-sig/webhooks/netbox/deliveries', { token: editor }));
    expect(log.body.items.map((d: { outcome: string }) => d.outcome)).toEqual(['duplicate', 'applied']);
    expect(log.body.items[1]).toMatchObject({ event: 'created', object: 'ipam.ipaddress:18005' });
  });

  it('answers the same 401 for every unverifiable delivery and applies nothing', async () => {
    const editor = await netboxTenant('wh-401');
    await ok(
      call('PUT', '/v1/tenants/wh-401/webhooks/events', {
        token: editor,
        body: { secrets: [EVENTS_SECRET], hypervisors: {} },
      }),
      201,
    );
    const body = vmBody('created', 1);
    const altered = body.replace('vm-1', 'vm-2');
    const answers = [
      await postNetbox('wh-401', env.NETBOX_CAPTURED_V40, SECRET, '58eb118a'.padEnd(128, '0')),
      await postNetbox('wh-401', env.NETBOX_CAPTURED_V40, null, CAPTURED_SIGNATURE),
      await postNetbox('wh-401', body, 'wrong-secret'),
      await postNetbox('wh-401', body, null),
      await postNetbox('wh-401', body, EVENTS_SECRET),
      await postNetbox('wh-401', altered, null, await netboxSignature(body, SECRET)),
      await postNetbox('wh-nobody', body, SECRET),
      await postStandard('wh-401', 'vcenter', '{}', EVENTS_SECRET),
      await postStandard('wh-401', 'events', '{}', EVENTS_SECRET, {
        atSeconds: Math.floor(Date.now() / 1000) - 600,
      }),
      await postStandard('wh-401', 'events', '{}', 'whsec_c2VjcmV0LXRoYXQtaXMtd3Jvbmc='),
    ];
    for (const r of answers) expect(r.body).toEqual(answers[0]!.body);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 401));
    expect(await workloads('wh-401', editor)).toEqual([]);
    const log = await ok(call('GET', '/v1/tenants/wh-401/webhooks/netbox/deliveries', { token: editor }));
    expect(log.body.items).toEqual([]);
  });

  it('refuses a disabled source', async () => {
    const editor = await netboxTenant('wh-off');
    await ok(
      call('PUT', '/v1/tenants/wh-off/webhooks/netbox', {
        token: editor,
        body: { secrets: [SECRET], enabled: false },
      }),
    );
    expect((await postNetbox('wh-off', vmBody('created', 1), SECRET)).status).toBe(401);
  });

  it('accepts either secret during rotation', async () => {
    const editor = await netboxTenant('wh-rot');
    await ok(
      call('PUT', '/v1/tenants/wh-rot/webhooks/netbox', {
        token: editor,
        body: { secrets: ['the-new-secret', SECRET], hypervisors: HOSTS },
      }),
    );
    await applied(postNetbox('wh-rot', vmBody('created', 1), SECRET));
    await applied(postNetbox('wh-rot', vmBody('updated', 1, { name: 'renamed' }), 'the-new-secret'));
  });
});

const FULL = [
  () => vmBody('created', 10),
  () => interfaceBody('created', 20, 10),
  () => addressBody('created', 30, '10.0.1.5/24', 20, 10),
  () => addressBody('created', 31, 'fd00::5/64', 20, 10),
];

describe('NetBox inventory', () => {
  it('maps a VM, its interface and addresses to a workload and a dynamic group', async () => {
    const editor = await netboxTenant('nb-order');
    for (const make of FULL) await applied(postNetbox('nb-order', make(), SECRET));
    const w = await ok(call('GET', '/v1/tenants/nb-order/workloads/netbox-vm-10', { token: editor }));
    expect(w.body).toEqual({
      id: 'netbox-vm-10',
      name: 'vm-10',
      hypervisor: 'hv-1',
      os: 'ubuntu-24.04',
      vnics: [{ id: 'netbox-if-20', mac: '52:54:00:ab:cd:ef', ips: ['10.0.1.5', 'fd00::5'] }],
      tags: ['tier-web'],
      attributes: {
        owner: 'team-a',
        cost_center: '42',
        'netbox.site': 'fra1',
        'netbox.cluster': 'cluster-a',
        'netbox.role': 'web',
        'netbox.status': 'active',
      },
    });
    await ok(
      call('PUT', '/v1/tenants/nb-order/groups/web', {
        token: editor,
        body: { criteria: { field: 'tag', op: 'equals', value: 'tier-web' } },
      }),
      201,
    );
    const members = await ok(call('GET', '/v1/tenants/nb-order/groups/web/members', { token: editor }));
    expect(members.body.workloads).toEqual(['netbox-vm-10']);
    const log = await ok(call('GET', '/v1/tenants/nb-order/audit', { token: editor }));
    expect(JSON.stringify(log.body)).toContain('webhook:netbox');

    await applied(postNetbox('nb-order', vmBody('updated', 10, { tags: [] }), SECRET));
    const after = await ok(call('GET', '/v1/tenants/nb-order/groups/web/members', { token: editor }));
    expect(after.body.workloads).toEqual([]);
    await applied(postNetbox('nb-order', vmBody('deleted', 10), SECRET));
    expect(await workloads('nb-order', editor)).toEqual([]);
  });

  it('converges to the same workload whatever order the objects arrive in, and twice', async () => {
    const a = await netboxTenant('nb-fwd');
    const b = await netboxTenant('nb-rev');
    const bodies = FULL.map((make) => make());
    for (const body of bodies) await applied(postNetbox('nb-fwd', body, SECRET));
    for (const body of [...bodies].reverse()) await applied(postNetbox('nb-rev', body, SECRET));
    for (const body of bodies) await applied(postNetbox('nb-rev', body, SECRET), 'duplicate');
    expect(await workloads('nb-rev', b)).toEqual(await workloads('nb-fwd', a));
    expect((await workloads('nb-rev', b))[0].vnics[0].ips).toEqual(['10.0.1.5', 'fd00::5']);
  });

  it('converges when the objects of several VMs arrive at once', async () => {
    const editor = await netboxTenant('nb-burst');
    const vms = [1, 2, 3];
    const bodies = vms.flatMap((vm) => [
      addressBody('created', 300 + vm, `10.0.3.${vm}/24`, 200 + vm, vm),
      interfaceBody('created', 200 + vm, vm),
      vmBody('created', vm),
    ]);
    const answers = await Promise.all(bodies.map((body) => postNetbox('nb-burst', body, SECRET)));
    expect(answers.map((r) => r.body.outcome)).toEqual(bodies.map(() => 'applied'));
    const got = await workloads('nb-burst', editor);
    expect(got.map((w: { vnics: { ips: string[] }[] }) => w.vnics[0]?.ips)).toEqual(
      vms.map((vm) => [`10.0.3.${vm}`]),
    );
  });

  it('keeps the captured unassigned address and applies it once it is assigned to an interface', async () => {
    const editor = await netboxTenant('nb-cap');
    await applied(postNetbox('nb-cap', env.NETBOX_CAPTURED_V46, null, CAPTURED_SIGNATURE));
    expect(await workloads('nb-cap', editor)).toEqual([]);
    await applied(postNetbox('nb-cap', addressBody('updated', 18005, '10.99.99.5/32', 7, 6), SECRET));
    await applied(postNetbox('nb-cap', interfaceBody('created', 7, 6), SECRET));
    await applied(postNetbox('nb-cap', vmBody('created', 6), SECRET));
    const [w] = await workloads('nb-cap', editor);
    expect(w.vnics).toEqual([{ id: 'netbox-if-7', mac: '52:54:00:ab:cd:ef', ips: ['10.99.99.5'] }]);
    await applied(postNetbox('nb-cap', addressBody('deleted', 18005, '10.99.99.5/32', 7, 6), SECRET));
    expect((await workloads('nb-cap', editor))[0].vnics[0].ips).toEqual([]);
  });

  it('calls an older delivery of the same object stale and changes nothing', async () => {
    const editor = await netboxTenant('nb-stale');
    const old = tick();
    await applied(postNetbox('nb-stale', vmBody('created', 1, { name: 'new-name' }), SECRET));
    await applied(postNetbox('nb-stale', vmBody('updated', 1, { name: 'old-name' }, old), SECRET), 'stale');
    expect((await workloads('nb-stale', editor))[0].name).toBe('new-name');
    const deleted = tick();
    await applied(postNetbox('nb-stale', vmBody('deleted', 1, {}, deleted), SECRET));
    await applied(postNetbox('nb-stale', vmBody('updated', 1, {}, old), SECRET), 'stale');
    expect(await workloads('nb-stale', editor)).toEqual([]);
  });

  it('rejects an unknown host with 422, and replays the delivery once the map is fixed', async () => {
    const editor = await netboxTenant('nb-host', {});
    const r = await postNetbox('nb-host', vmBody('created', 1), SECRET);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('unknown-hypervisor');
    expect(await workloads('nb-host', editor)).toEqual([]);
    const byId = await postNetbox(
      'nb-host',
      vmBody('created', 2, { device: { id: 1, name: 'hv-2' } }),
      SECRET,
    );
    expect(byId.body).toMatchObject({ outcome: 'applied' });
    const log = await ok(call('GET', '/v1/tenants/nb-host/webhooks/netbox/deliveries', { token: editor }));
    const rejected = log.body.items.find((d: { outcome: string }) => d.outcome === 'rejected');
    expect(rejected).toMatchObject({ object: 'virtualization.virtualmachine:1', revision: null });
    expect(rejected.reason).toContain('unknown-hypervisor');
    await ok(
      call('PUT', '/v1/tenants/nb-host/webhooks/netbox', {
        token: editor,
        body: { secrets: [SECRET], hypervisors: HOSTS },
      }),
    );
    const replay = await ok(
      call('POST', `/v1/tenants/nb-host/webhooks/netbox/deliveries/${rejected.id}/replay`, { token: editor }),
    );
    expect(replay.body.outcome).toBe('applied');
    expect((await workloads('nb-host', editor)).map((w: { id: string }) => w.id)).toEqual([
      'netbox-vm-1',
      'netbox-vm-2',
    ]);
    const again = await call(
      'POST',
      `/v1/tenants/nb-host/webhooks/netbox/deliveries/${replay.body.delivery}/replay`,
      {
        token: editor,
      },
    );
    expect(again.status).toBe(409);
  });

  it('migrates a workload whose host changes', async () => {
    const editor = await netboxTenant('nb-move');
    for (const make of FULL) await applied(postNetbox('nb-move', make(), SECRET));
    const moved = await applied(
      postNetbox(
        'nb-move',
        vmBody('updated', 10, { device: { id: 4, name: 'esx-04.fra1.example.net' } }),
        SECRET,
      ),
    );
    expect(moved.reason).toMatch(/migration m-\S+ moves netbox-vm-10 to hv-2/);
    const w = await ok(call('GET', '/v1/tenants/nb-move/workloads/netbox-vm-10', { token: editor }));
    expect(w.body.hypervisor).toBe('hv-2');
  });

  it('answers 400 for a body that is not a NetBox delivery', async () => {
    await netboxTenant('nb-400');
    for (const body of [
      'not json',
      '{}',
      JSON.stringify({ event: 'created', timestamp: tick(), data: { id: 1 } }),
    ]) {
      const r = await postNetbox('nb-400', body, SECRET);
      expect(r.status, body).toBe(400);
    }
  });

  it('pages the deliveries log newest first', async () => {
    const editor = await netboxTenant('nb-page');
    for (let i = 1; i <= 3; i++) await applied(postNetbox('nb-page', vmBody('created', i), SECRET));
    const first = await ok(
      call('GET', '/v1/tenants/nb-page/webhooks/netbox/deliveries?limit=2', { token: editor }),
    );
    expect(first.body.items.map((d: { object: string }) => d.object)).toEqual([
      'virtualization.virtualmachine:3',
      'virtualization.virtualmachine:2',
    ]);
    const next = await ok(
      call('GET', `/v1/tenants/nb-page/webhooks/netbox/deliveries?limit=2&cursor=${first.body.nextCursor}`, {
        token: editor,
      }),
    );
    expect(next.body.items.map((d: { object: string }) => d.object)).toEqual([
      'virtualization.virtualmachine:1',
    ]);
    expect(next.body.nextCursor).toBeNull();
  });
});

describe('events source', () => {
  it('upserts, moves and deletes workloads from signed events', async () => {
    const { editor } = await tenantWithEditor('ev-1');
    await ok(
      call('PUT', '/v1/tenants/ev-1/webhooks/events', { token: editor, body: { secrets: [EVENTS_SECRET] } }),
      201,
    );
    const upsert = JSON.stringify({
      type: 'workload.upserted',
      data: {
        id: 'web-1',
        hypervisor: 'hv-1',
        vnics: [{ id: 'web-1-eth0', ips: ['10.0.0.1'] }],
        tags: ['web'],
      },
    });
    const first = await postStandard('ev-1', 'events', upsert, EVENTS_SECRET, { id: 'msg_1' });
    expect(first.body).toMatchObject({ outcome: 'applied' });
    const dup = await postStandard('ev-1', 'events', upsert, EVENTS_SECRET, { id: 'msg_1' });
    expect(dup.body).toMatchObject({ outcome: 'duplicate' });
    const move = JSON.stringify({ type: 'workload.moved', data: { id: 'web-1', to: 'hv-2' } });
    expect((await postStandard('ev-1', 'events', move, EVENTS_SECRET)).body).toMatchObject({
      outcome: 'applied',
    });
    expect(
      (await ok(call('GET', '/v1/tenants/ev-1/workloads/web-1', { token: editor }))).body.hypervisor,
    ).toBe('hv-2');
    const del = JSON.stringify({ type: 'workload.deleted', data: { id: 'web-1' } });
    expect((await postStandard('ev-1', 'events', del, EVENTS_SECRET)).body).toMatchObject({
      outcome: 'applied',
    });
    expect(await workloads('ev-1', editor)).toEqual([]);
    const bad = await postStandard(
      'ev-1',
      'events',
      JSON.stringify({ type: 'workload.exploded' }),
      EVENTS_SECRET,
    );
    expect(bad.status).toBe(400);
  });
});
