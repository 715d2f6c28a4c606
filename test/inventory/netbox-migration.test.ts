import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, workload, webToDbPolicy } from '../api/fixtures.js';
import { send, sendOne } from '../hypervisor/scenario.js';
import { addressBody, interfaceBody, postNetbox, vmBody } from './netbox-client.js';

const SECRET = 'test-webhook-secret-123';
const syn = {
  vnic: 'netbox-if-20',
  dir: 'out' as const,
  src: '10.0.1.5',
  dst: '10.0.2.7',
  proto: 6,
  sport: 42000,
  dport: 5432,
  flags: 'S',
  len: 60,
};
const synAck = {
  ...syn,
  dir: 'in' as const,
  src: '10.0.2.7',
  dst: '10.0.1.5',
  sport: 5432,
  dport: 42000,
  flags: 'SA',
};
const ack = { ...syn, flags: 'A', len: 52 };

describe('a NetBox host change', () => {
  it('migrates the workload with its established flows; the source answers moved', async () => {
    const t = 'nb-flows';
    await createTenant(t);
    const editor = await issueToken('editor', { tenant: t });
    const [hvA, hvB, hvC] = [`${t}-a`, `${t}-b`, `${t}-c`];
    for (const h of [hvA, hvB, hvC]) await hypervisor(h);
    const agentA = await issueToken('agent', { hypervisor: hvA });
    const agentC = await issueToken('agent', { hypervisor: hvC });
    await ok(
      call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
        token: editor,
        body: { secrets: [SECRET], hypervisors: { 'esx-a': hvA, 'esx-c': hvC } },
      }),
      201,
    );
    const web = { device: { id: 1, name: 'esx-a' }, tags: [{ name: 'web', slug: 'tier-web' }] };
    for (const body of [
      addressBody('created', 30, '10.0.1.5/24', 20, 10),
      interfaceBody('created', 20, 10),
      vmBody('created', 10, web),
    ])
      expect((await postNetbox(t, body, SECRET)).body).toMatchObject({ outcome: 'applied' });
    await workload(t, 'db-1', hvB, ['10.0.2.7'], { tags: ['tier-db'] }, editor);
    for (const [id, tag] of [
      ['web', 'tier-web'],
      ['db', 'tier-db'],
    ])
      await ok(
        call('PUT', `/v1/tenants/${t}/groups/${id}`, {
          token: editor,
          body: { criteria: { field: 'tag', op: 'equals', value: tag } },
        }),
        201,
      );
    await webToDbPolicy(t, editor);
    expect((await send(hvA, agentA, [syn, synAck])).map((v) => v.reason)).toEqual(['new', 'established']);
    // tcpStrict: a mid-stream ACK of no flow is invalid at hv-c, so only a moved flow passes there
    const move = vmBody('updated', 10, { ...web, device: { id: 2, name: 'esx-c' } });
    const moved = await postNetbox(t, move, SECRET);
    expect(moved.body).toMatchObject({ outcome: 'applied', reason: expect.stringContaining(`to ${hvC}`) });
    expect(await sendOne(hvC, agentC, ack)).toMatchObject({ action: 'allow', reason: 'established' });
    expect(await sendOne(hvA, agentA, ack)).toMatchObject({ action: 'drop', reason: 'moved' });
    const w = await ok(call('GET', `/v1/tenants/${t}/workloads/netbox-vm-10`, { token: editor }));
    expect(w.body.hypervisor).toBe(hvC);
    expect((await postNetbox(t, move, SECRET)).body).toMatchObject({ outcome: 'duplicate' });
  });
});
