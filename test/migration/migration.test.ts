import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { HypervisorDO } from '../../src/hypervisor/hypervisor-do.js';
import { describe, expect, it } from 'vitest';
import { call, ok } from '../api/client.js';
import { hypervisor } from '../api/fixtures.js';
import { send, sendOne, webDbScenario } from '../hypervisor/scenario.js';

const FLOWS = 4;
const syn = (i: number) => ({
  vnic: 'web-1-eth0',
  dir: 'out' as const,
  src: '10.0.1.5',
  dst: '10.0.2.7',
  proto: 6,
  sport: 42000 + i,
  dport: 5432,
  flags: 'S',
  len: 60,
});
const synAck = (i: number) => ({
  vnic: 'web-1-eth0',
  dir: 'in' as const,
  src: '10.0.2.7',
  dst: '10.0.1.5',
  proto: 6,
  sport: 5432,
  dport: 42000 + i,
  flags: 'SA',
  len: 60,
});
const ack = (i: number) => ({ ...syn(i), flags: 'A', len: 52 });

const hv = (name: string) => env.HYPERVISOR.get(env.HYPERVISOR.idFromName(name));
const coordinator = (t: string, w: string) => env.MIGRATION.get(env.MIGRATION.idFromName(`${t}/${w}`));

/** web-1 on hv-a with FLOWS established flows under a tcpStrict policy, and a third hypervisor hv-c. */
async function established(t: string) {
  const s = await webDbScenario(t, { tcpStrict: true });
  const hvC = `${t}-hv-c`;
  await hypervisor(hvC);
  const { issueToken } = await import('../api/client.js');
  const agentC = await issueToken('agent', { hypervisor: hvC });
  const opened = await send(
    s.hvA,
    s.agentA,
    Array.from({ length: FLOWS }, (_, i) => syn(i)),
  );
  expect(opened.every((v) => v.reason === 'new')).toBe(true);
  const replies = await send(
    s.hvA,
    s.agentA,
    Array.from({ length: FLOWS }, (_, i) => synAck(i)),
  );
  expect(replies.every((v) => v.reason === 'established')).toBe(true);
  const handle = (await ok(call('GET', `/v1/hypervisors/${s.hvA}/vnics`))).body.items.find(
    (v: { vnic: string; tenant: string }) => v.vnic === 'web-1-eth0' && v.tenant === t,
  ).handle as number;
  return { ...s, hvC, agentC, handle };
}

const migrate = (t: string, body: Record<string, unknown>, token?: string) =>
  call('POST', `/v1/tenants/${t}/workloads/web-1/migrate`, { token, body });

describe('flow-state migration', () => {
  it('moves established flows with the workload; the source answers moved', async () => {
    const s = await established('mg1');
    // tcpStrict: a mid-stream ACK of no flow is invalid, so only a moved flow can pass at hv-c
    const r = await migrate('mg1', { to: s.hvC, id: 'move-1' }, s.editor);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: 'move-1', state: 'done', from: s.hvA, to: s.hvC, flowsMoved: FLOWS });
    for (let i = 0; i < FLOWS; i++)
      expect(await sendOne(s.hvC, s.agentC, ack(i))).toMatchObject({
        action: 'allow',
        reason: 'established',
        rule: 'web-to-db',
      });
    expect(await sendOne(s.hvA, s.agentA, ack(0))).toEqual({
      action: 'drop',
      rule: null,
      policy: null,
      reason: 'moved',
    });
    const w = await ok(call('GET', '/v1/tenants/mg1/workloads/web-1', { token: s.editor }));
    expect(w.body.hypervisor).toBe(s.hvC);
    const members = await ok(call('GET', '/v1/tenants/mg1/groups/web/members', { token: s.editor }));
    expect(members.body.workloads).toEqual(['web-1']);
    expect(await hv(s.hvA).flowsOf([s.handle])).toBe(0);
    expect(await hv(s.hvC).flowsOf([s.handle])).toBe(FLOWS);
    const got = await ok(call('GET', '/v1/tenants/mg1/migrations/move-1', { token: s.editor }));
    expect(got.body).toMatchObject({ state: 'done', flowsMoved: FLOWS, workload: 'web-1' });
    // counters: sessions once (at the source), packets where they were judged, nothing twice
    const stats = await ok(call('GET', '/v1/tenants/mg1/policies/app/stats', { token: s.editor }));
    expect(stats.body.rules[0]).toMatchObject({ sessions: FLOWS, hits: FLOWS, packets: 3 * FLOWS });
    // the same id again is the same migration; moving to where it is is a no-op that says so
    const again = await migrate('mg1', { to: s.hvC, id: 'move-1' }, s.editor);
    expect(again.body).toMatchObject({ id: 'move-1', state: 'done', flowsMoved: FLOWS });
    const noop = await ok(migrate('mg1', { to: s.hvC }, s.editor));
    expect(noop.body).toMatchObject({ state: 'done', noop: true });
    const clash = await migrate('mg1', { to: s.hvA, id: 'move-1' }, s.editor);
    expect(clash.status).toBe(409);
  });

  for (const step of ['prepare', 'freeze', 'import', 'inventory', 'release'] as const) {
    it(`resumes after a failure following the ${step} step, every flow once at the destination`, async () => {
      const t = `mgf-${step}`;
      const s = await established(t);
      await coordinator(t, 'web-1').injectFault(step);
      const r = await migrate(t, { to: s.hvC, id: 'm' }, s.editor);
      expect(r.status).toBe(202);
      expect(r.body.state).toBe('running');
      expect(r.body.error).toMatch(`injected fault after ${step}`);
      expect(await runDurableObjectAlarm(coordinator(t, 'web-1'))).toBe(true);
      const done = await ok(call('GET', `/v1/tenants/${t}/migrations/m`, { token: s.editor }));
      expect(done.body).toMatchObject({ state: 'done', flowsMoved: FLOWS, error: null });
      expect(await hv(s.hvC).flowsOf([s.handle])).toBe(FLOWS);
      expect(await hv(s.hvA).flowsOf([s.handle])).toBe(0);
      expect((await hv(s.hvC).flowCount()).memory).toBe(FLOWS);
      expect((await sendOne(s.hvC, s.agentC, ack(1))).reason).toBe('established');
      expect((await sendOne(s.hvA, s.agentA, ack(1))).reason).toBe('moved');
    });
  }

  it('keeps moved flows durable at the destination and gone at the source across restarts', async () => {
    const s = await established('mg4');
    await ok(migrate('mg4', { to: s.hvC, id: 'm' }, s.editor), 202);
    const restarted = async (name: string) =>
      runInDurableObject(hv(name), async (_instance, state) => {
        const fresh = new HypervisorDO(state, env);
        await state.blockConcurrencyWhile(async () => {});
        return { flows: await fresh.flowsOf([s.handle]), stored: (await fresh.flowCount()).stored };
      });
    // before the alarms compact the batch and range-delete the source's rows
    expect(await restarted(s.hvC)).toEqual({ flows: FLOWS, stored: FLOWS });
    expect((await restarted(s.hvA)).flows).toBe(0);
    await runDurableObjectAlarm(hv(s.hvC));
    await runDurableObjectAlarm(hv(s.hvA));
    expect(await restarted(s.hvC)).toEqual({ flows: FLOWS, stored: FLOWS });
    expect(await restarted(s.hvA)).toEqual({ flows: 0, stored: 0 });
    expect((await sendOne(s.hvC, s.agentC, ack(2))).reason).toBe('established');
  });

  it('lets only one of two concurrent migrations of a workload win', async () => {
    const s = await established('mg2');
    const hvD = 'mg2-hv-d';
    await hypervisor(hvD);
    await coordinator('mg2', 'web-1').injectFault('freeze');
    const first = await migrate('mg2', { to: s.hvC, id: 'first' }, s.editor);
    expect(first.body.state).toBe('running');
    const second = await migrate('mg2', { to: hvD, id: 'second' }, s.editor);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('migration-in-progress');
    await runDurableObjectAlarm(coordinator('mg2', 'web-1'));
    expect(
      (await ok(call('GET', '/v1/tenants/mg2/workloads/web-1', { token: s.editor }))).body.hypervisor,
    ).toBe(s.hvC);
    expect((await call('GET', '/v1/tenants/mg2/migrations/second', { token: s.editor })).status).toBe(404);
  });

  it('ends as failed when the workload disappears mid-migration', async () => {
    const s = await established('mg5');
    await coordinator('mg5', 'web-1').injectFault('import');
    expect((await migrate('mg5', { to: s.hvC, id: 'm' }, s.editor)).body.state).toBe('running');
    await ok(call('DELETE', '/v1/tenants/mg5/workloads/web-1', { token: s.editor }), 204);
    await runDurableObjectAlarm(coordinator('mg5', 'web-1'));
    const m = await ok(call('GET', '/v1/tenants/mg5/migrations/m', { token: s.editor }));
    expect(m.body).toMatchObject({ state: 'failed', step: 'inventory', error: 'workload web-1 is gone' });
    expect(await runDurableObjectAlarm(coordinator('mg5', 'web-1'))).toBe(false);
  });

  it('validates the request and the caller', async () => {
    const s = await established('mg3');
    expect((await migrate('mg3', { to: 'nowhere' }, s.editor)).status).toBe(422);
    expect((await migrate('mg3', { hypervisor: s.hvC }, s.editor)).status).toBe(400);
    const { issueToken } = await import('../api/client.js');
    const auditor = await issueToken('auditor', { tenant: 'mg3' });
    expect((await migrate('mg3', { to: s.hvC }, auditor)).status).toBe(403);
    const inventory = await issueToken('inventory', { tenant: 'mg3' });
    expect((await migrate('mg3', { to: s.hvC }, inventory)).status).toBe(202);
  });
});
