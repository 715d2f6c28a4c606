import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { PACKET_MAGIC } from '../../src/dataplane/codec/index.js';
import { MAX_BATCH_PACKETS } from '../../src/hypervisor/hypervisor-do.js';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, workload } from '../api/fixtures.js';
import { send, sendOne, webDbScenario } from './scenario.js';

const syn = { src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 40000, dport: 5432, flags: 'S', len: 60 };
const synAck = {
  src: '10.0.2.7',
  dst: '10.0.1.5',
  proto: 6,
  sport: 5432,
  dport: 40000,
  flags: 'SA',
  len: 60,
};
const ack = { ...syn, flags: 'A', len: 52 };

describe('stateful data plane through the API', () => {
  it('checks egress at the source and ingress at the destination; replies pass as established', async () => {
    const { hvA, hvB, agentA, agentB } = await webDbScenario('dp1');
    expect(await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'out', ...syn })).toEqual({
      action: 'allow',
      rule: 'web-to-db',
      policy: 'app',
      reason: 'new',
    });
    expect((await sendOne(hvB, agentB, { vnic: 'db-1-eth0', dir: 'in', ...syn })).reason).toBe('new');
    expect(await sendOne(hvB, agentB, { vnic: 'db-1-eth0', dir: 'out', ...synAck })).toMatchObject({
      action: 'allow',
      reason: 'established',
      rule: 'web-to-db',
    });
    expect((await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'in', ...synAck })).reason).toBe(
      'established',
    );
    expect((await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'out', ...ack })).reason).toBe(
      'established',
    );
    // an unsolicited SYN from db to web falls to the default action at both ends
    const back = { src: '10.0.2.7', dst: '10.0.1.5', proto: 6, sport: 5555, dport: 22, flags: 'S' };
    expect(await sendOne(hvB, agentB, { vnic: 'db-1-eth0', dir: 'out', ...back })).toEqual({
      action: 'drop',
      rule: null,
      policy: null,
      reason: 'default',
    });
    expect((await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'in', ...back })).action).toBe('drop');
    // both ends must allow: the destination refuses what its ingress rules do not allow
    const other = { src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 40001, dport: 22, flags: 'S' };
    expect((await sendOne(hvB, agentB, { vnic: 'db-1-eth0', dir: 'in', ...other })).action).toBe('drop');
  });

  it('tcpStrict drops a mid-stream packet of no flow as invalid', async () => {
    const { hvA, agentA } = await webDbScenario('dp2', { tcpStrict: true });
    expect(await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'out', ...ack })).toMatchObject({
      action: 'drop',
      reason: 'invalid',
    });
    expect((await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'out', ...syn })).reason).toBe('new');
  });

  it('unknown vNICs are dropped; bad batches are refused whole; agents are scoped', async () => {
    const { hvA, hvB, agentA, agentB } = await webDbScenario('dp3');
    expect(await sendOne(hvA, agentA, { vnic: 'ghost', dir: 'out', ...syn })).toEqual({
      action: 'drop',
      rule: null,
      policy: null,
      reason: 'unknown-vnic',
    });
    const good = { vnic: 'web-1-eth0', dir: 'out' as const, ...syn };
    const bad = await call('POST', `/v1/hypervisors/${hvA}/packets`, {
      token: agentA,
      body: { packets: [good, { ...good, sport: 40002 }, { ...good, dst: '10.0.2.700' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^packets\[2\]\.dst/);
    // nothing of the refused batch was applied: the first packet's flow does not exist
    expect((await sendOne(hvA, agentA, { ...good, flags: 'A' })).reason).toBe('new');
    const wrongAgent = await call('POST', `/v1/hypervisors/${hvA}/packets`, {
      token: agentB,
      body: { packets: [good] },
    });
    expect(wrongAgent.status).toBe(404);
    const editor = await issueToken('editor', { tenant: 'dp3' });
    expect(
      (await call('POST', `/v1/hypervisors/${hvB}/packets`, { token: editor, body: { packets: [] } })).status,
    ).toBe(403);
    const many = new Uint32Array(2 + 12 * (MAX_BATCH_PACKETS + 1));
    many.set([PACKET_MAGIC, MAX_BATCH_PACKETS + 1]);
    const tooMany = await exports.default.fetch(
      new Request(`http://omniwall.test/v1/hypervisors/${hvA}/packets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agentA}`, 'content-type': 'application/octet-stream' },
        body: many,
      }),
    );
    expect(tooMany.status).toBe(413);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe('batch-too-large');
    expect(
      (await call('POST', `/v1/hypervisors/${hvA}/packets`, { token: agentA, raw: '{"packets": [' })).status,
    ).toBe(400);
    const deep = `{"packets": [${'['.repeat(5000)}${']'.repeat(5000)}]}`;
    const nested = await call('POST', `/v1/hypervisors/${hvA}/packets`, { token: agentA, raw: deep });
    expect(nested.status).toBe(422);
    expect(nested.body.error.code).toBe('too-deep');
    // the hypervisor still judges after it
    expect((await sendOne(hvA, agentA, { ...good, sport: 4242 })).reason).toBe('new');
  });

  it('shows desired vs realized revision per tenant; a change is realized on affected hypervisors only', async () => {
    const { editor, hvA, hvB } = await webDbScenario('dp4');
    const status = async (h: string) => (await ok(call('GET', `/v1/hypervisors/${h}/status`))).body;
    const a = await status(hvA);
    const mine = a.tenants.find((x: { tenant: string }) => x.tenant === 'dp4');
    expect(mine.realizedRevision).toBe(mine.desiredRevision);
    expect(mine.rules).toBe(1);
    await ok(call('PUT', '/v1/hypervisors/dp4-hv-c', { body: { name: 'c' } }), 201);
    const put = await ok(
      call('PUT', '/v1/tenants/dp4/policies/extra', {
        token: editor,
        body: {
          category: 'emergency',
          priority: 1,
          appliedTo: ['db'],
          rules: [{ id: 'block', action: 'drop' }],
        },
      }),
      201,
    );
    expect(put.headers.get('omniwall-realization')).toBe('realized');
    const rev = Number(put.headers.get('etag')!.replaceAll('"', ''));
    const b = (await status(hvB)).tenants.find((x: { tenant: string }) => x.tenant === 'dp4');
    expect(b).toMatchObject({ desiredRevision: rev, realizedRevision: rev, rules: 2 });
    // hv-a hosts no db vNIC: the emergency rule is not compiled there, but the revision is realized
    const a2 = (await status(hvA)).tenants.find((x: { tenant: string }) => x.tenant === 'dp4');
    expect(a2).toMatchObject({ realizedRevision: rev, rules: 1 });
    expect(
      (await status('dp4-hv-c')).tenants.find((x: { tenant: string }) => x.tenant === 'dp4'),
    ).toBeUndefined();
  });

  it("matches a workload's new IP through its group with no policy edit", async () => {
    const { editor, hvA, hvB, agentB } = await webDbScenario('dp5');
    const fromNew = { vnic: 'db-1-eth0', dir: 'in' as const, ...syn, src: '10.0.1.99' };
    expect((await sendOne(hvB, agentB, fromNew)).action).toBe('drop');
    await ok(
      call('PUT', '/v1/tenants/dp5/workloads/web-1', {
        token: editor,
        body: {
          hypervisor: hvA,
          vnics: [{ id: 'web-1-eth0', ips: ['10.0.1.5', '10.0.1.99'] }],
          tags: ['tier=web'],
        },
      }),
    );
    expect(await sendOne(hvB, agentB, fromNew)).toMatchObject({ action: 'allow', rule: 'web-to-db' });
  });

  it('keeps tenants with overlapping addresses apart on one hypervisor', async () => {
    await hypervisor('shared-hv');
    const agent = await issueToken('agent', { hypervisor: 'shared-hv' });
    for (const t of ['ov-x', 'ov-y']) {
      await createTenant(t);
      await workload(t, 'vm', 'shared-hv', ['10.0.0.1']);
    }
    await ok(
      call('PUT', '/v1/tenants/ov-x/policies/web-out', {
        body: {
          category: 'application',
          priority: 1,
          rules: [{ id: 'out-80', services: ['http'], direction: 'out', action: 'allow' }],
        },
      }),
      201,
    );
    const out = {
      vnic: 'vm-eth0',
      dir: 'out' as const,
      src: '10.0.0.1',
      dst: '10.9.9.9',
      proto: 6,
      sport: 3333,
      dport: 80,
      flags: 'S',
    };
    const reply = {
      vnic: 'vm-eth0',
      dir: 'in' as const,
      src: '10.9.9.9',
      dst: '10.0.0.1',
      proto: 6,
      sport: 80,
      dport: 3333,
      flags: 'SA',
    };
    const ambiguous = await call('POST', '/v1/hypervisors/shared-hv/packets', {
      token: agent,
      body: { packets: [out] },
    });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.message).toMatch(/tenant/);
    expect((await sendOne('shared-hv', agent, { ...out, tenant: 'ov-x' })).reason).toBe('new');
    expect(await sendOne('shared-hv', agent, { ...out, tenant: 'ov-y' })).toMatchObject({
      action: 'drop',
      reason: 'default',
    });
    expect((await sendOne('shared-hv', agent, { ...reply, tenant: 'ov-y' })).action).toBe('drop');
    expect((await sendOne('shared-hv', agent, { ...reply, tenant: 'ov-x' })).reason).toBe('established');
  });

  it('counts per rule and logs logged rules, summed over hypervisors', async () => {
    const { editor, hvA, hvB, agentA, agentB } = await webDbScenario('dp8');
    await send(hvA, agentA, [
      { vnic: 'web-1-eth0', dir: 'out', ...syn },
      { vnic: 'web-1-eth0', dir: 'in', ...synAck },
    ]);
    await send(hvB, agentB, [{ vnic: 'db-1-eth0', dir: 'in', ...syn }]);
    const stats = await ok(call('GET', '/v1/tenants/dp8/policies/app/stats', { token: editor }));
    expect(stats.body.rules).toMatchObject([
      { rule: 'web-to-db', hits: 2, packets: 3, bytes: 180, sessions: 2 },
    ]);
    const logs = await ok(call('GET', '/v1/tenants/dp8/flowlogs', { token: editor }));
    expect(logs.body.items).toHaveLength(2);
    expect(logs.body.items[0]).toMatchObject({
      rule: 'web-to-db',
      action: 'allow',
      reason: 'new',
      tenant: 'dp8',
    });
    const onlyB = await ok(call('GET', `/v1/tenants/dp8/flowlogs?hypervisor=${hvB}`, { token: editor }));
    expect(onlyB.body.items).toHaveLength(1);
    expect(onlyB.body.items[0].workload).toBe('db-1');
  });
});
