import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import {
  decodeBinaryVerdicts,
  encodeBinaryBatch,
  packetsToBatch,
  REASON,
  type PacketInput,
} from '../../src/dataplane/codec/index.js';
import { MAX_BATCH_PACKETS } from '../../src/hypervisor/hypervisor-do.js';
import { bigRuleSet } from '../compiler/big-rule-set.js';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, workload } from '../api/fixtures.js';
import { send, webDbScenario, type Packet } from './scenario.js';

const stubOf = (hv: string) => env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hv));

/** Ends the object's instance as an eviction or crash does; the next call builds one from storage. */
async function restart(hv: string): Promise<void> {
  const instance = await runInDurableObject(stubOf(hv), (i) => i);
  await stubOf(hv)
    .restart()
    .catch(() => undefined);
  expect(await runInDurableObject(stubOf(hv), (i) => i)).not.toBe(instance);
}

const syn = (sport: number): Packet => ({
  vnic: 'web-1-eth0',
  dir: 'out',
  src: '10.0.1.5',
  dst: '10.0.2.7',
  proto: 6,
  sport,
  dport: 5432,
  flags: 'S',
  len: 60,
});

/** Every flow-log entry of the tenant, following nextCursor page by page. */
async function allFlowLogs(t: string, token: string, query = '', limit = 1000) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = `?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`;
    const r = await ok(call('GET', `/v1/tenants/${t}/flowlogs${q}`, { token }));
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

describe('durable evidence', () => {
  it('keeps counters, last hits and the flow log across an eviction, with no later batch or alarm', async () => {
    const { editor, hvA, hvB, agentA, agentB } = await webDbScenario('ev1');
    const before = await ok(call('GET', '/v1/tenants/ev1/policies/app/stats', { token: editor }));
    expect(before.body.rules).toEqual([
      expect.objectContaining({
        rule: 'web-to-db',
        hits: 0,
        lastHit: null,
        countersSince: expect.any(String),
      }),
    ]);
    await send(hvA, agentA, [syn(41000), syn(41001)]);
    await send(hvB, agentB, [{ ...syn(41000), vnic: 'db-1-eth0', dir: 'in' }]);
    const stats = (await ok(call('GET', '/v1/tenants/ev1/policies/app/stats', { token: editor }))).body;
    const logs = (await allFlowLogs('ev1', editor)).items;
    expect(stats.rules[0]).toMatchObject({ hits: 3, packets: 3, bytes: 180, sessions: 3 });
    expect(Date.parse(stats.rules[0].lastHit)).toBeGreaterThanOrEqual(
      Date.parse(stats.rules[0].countersSince),
    );
    expect(stats.rules[0].countersSince).toBe(before.body.rules[0].countersSince);
    expect(logs).toHaveLength(3);

    // both objects end right after their last batch: nothing but what that batch wrote survives
    await restart(hvA);
    await restart(hvB);
    expect((await ok(call('GET', '/v1/tenants/ev1/policies/app/stats', { token: editor }))).body).toEqual(
      stats,
    );
    expect((await allFlowLogs('ev1', editor)).items).toEqual(logs);

    // an alarm (expiry, compaction) changes none of it, and neither does a second restart
    await runDurableObjectAlarm(stubOf(hvA));
    await restart(hvA);
    expect((await ok(call('GET', '/v1/tenants/ev1/policies/app/stats', { token: editor }))).body).toEqual(
      stats,
    );
    expect((await allFlowLogs('ev1', editor)).items).toEqual(logs);

    // counting goes on from the restored counters, since the same time
    await send(hvA, agentA, [syn(41002)]);
    const after = (await ok(call('GET', '/v1/tenants/ev1/policies/app/stats', { token: editor }))).body;
    expect(after.rules[0]).toMatchObject({ hits: 4, countersSince: stats.rules[0].countersSince });
    expect((await allFlowLogs('ev1', editor)).items).toHaveLength(4);
  });

  it('pages the flow log newest first with a cursor, over hypervisors, keeping the filters', async () => {
    const { editor, hvA, hvB, agentA, agentB } = await webDbScenario('ev2');
    for (let i = 0; i < 5; i++) {
      await send(hvA, agentA, [syn(42000 + i)]);
      await send(hvB, agentB, [{ ...syn(42000 + i), vnic: 'db-1-eth0', dir: 'in' }]);
    }
    const whole = await allFlowLogs('ev2', editor);
    expect(whole.items).toHaveLength(10);
    const paged = await allFlowLogs('ev2', editor, '', 3);
    expect(paged.pages).toBe(4);
    expect(paged.items).toEqual(whole.items);
    const times = paged.items.map((e) => Date.parse(e.at as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const onlyB = await allFlowLogs('ev2', editor, `&hypervisor=${hvB}`, 2);
    expect(onlyB.items.map((e) => [e.hypervisor, e.workload])).toEqual(
      Array.from({ length: 5 }, () => [hvB, 'db-1']),
    );
    expect((await allFlowLogs('ev2', editor, '&workload=web-1', 4)).items.map((e) => e.sport)).toEqual([
      42004, 42003, 42002, 42001, 42000,
    ]);
    expect((await allFlowLogs('ev2', editor, '&rule=web-to-db&action=allow', 4)).items).toHaveLength(10);
    expect((await allFlowLogs('ev2', editor, '&action=drop')).items).toEqual([]);
    const since = whole.items[3]!.at as string;
    expect((await allFlowLogs('ev2', editor, `&since=${since}`, 1)).items).toEqual(
      whole.items.filter((e) => (e.at as string) >= since),
    );

    const bad = await call('GET', '/v1/tenants/ev2/flowlogs?cursor=bm90LWpzb24', { token: editor });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/cursor/);
  });

  it('keeps the newest 100,000 of 100,001 logged verdicts, also across a restart', async () => {
    await createTenant('ev3');
    const editor = await issueToken('editor', { tenant: 'ev3' });
    await hypervisor('ev3-hv');
    await workload('ev3', 'w', 'ev3-hv', ['10.3.0.1'], {}, editor);
    await ok(
      call('PUT', '/v1/tenants/ev3/policies/deny', {
        token: editor,
        body: {
          category: 'application',
          priority: 1,
          rules: [{ id: 'logged-deny', direction: 'out', action: 'drop', log: true }],
        },
      }),
      201,
    );
    const vnics = await ok(call('GET', '/v1/hypervisors/ev3-hv/vnics'));
    const handle = vnics.body.items[0].handle as number;
    // packet i goes to port i % 65536 of 10.200.x.y with x.y = i >> 16: its position is readable back
    const packet = (i: number): PacketInput => ({
      vnic: handle,
      dir: 'out',
      src: '10.3.0.1',
      dst: `10.200.0.${i >> 16}`,
      proto: 17,
      sport: 9,
      dport: i & 0xffff,
      len: 40,
    });
    const position = (e: Record<string, unknown>) =>
      (Number(String(e.dst).split('.')[3]) << 16) + (e.dport as number);
    const stub = stubOf('ev3-hv');
    const total = 100_001;
    // whole batches of the maximum, every packet logged: the flow-log ring grows to hold one
    for (let start = 0; start < total; start += MAX_BATCH_PACKETS) {
      const n = Math.min(MAX_BATCH_PACKETS, total - start);
      const batch = packetsToBatch(Array.from({ length: n }, (_, k) => packet(start + k)));
      const out = await stub.processBinary(encodeBinaryBatch(batch));
      expect(out.ok).toBe(true);
    }
    await restart('ev3-hv');
    const { items } = await allFlowLogs('ev3', editor);
    expect(items).toHaveLength(100_000);
    expect(position(items[0]!)).toBe(100_000);
    expect(position(items[items.length - 1]!)).toBe(1);
    expect(items.every((e, k) => position(e) === 100_000 - k)).toBe(true);
  }, 120_000);

  it('answers status while a large rule set is built, and judges by the old rules until the swap', async () => {
    const stub = stubOf('ev4-hv');
    const small = bigRuleSet(10, 2, 'big', 'ev4-hv');
    await stub.applyRuleSet({ ...small, revision: 1, vnics: small.vnics.slice(0, 1) });
    // vNIC 2 exists in revision 2 only
    const probe = encodeBinaryBatch(
      packetsToBatch([
        { vnic: 2, dir: 'out', src: '0.0.0.1', dst: '0.0.0.2', proto: 6, sport: 1, dport: 443, flags: 'S' },
      ]),
    );
    const reasonOf = async () => {
      const out = await stub.processBinary(probe);
      if (!out.ok) throw new Error(out.message);
      return decodeBinaryVerdicts(out.result).reason[0];
    };
    let applied = false;
    const applying = stub
      .applyRuleSet({ ...bigRuleSet(10_000, 20, 'big', 'ev4-hv'), revision: 2 })
      .then((s) => {
        applied = true;
        return s;
      });
    const during = await stub.status();
    expect(during).toEqual([expect.objectContaining({ tenant: 'big', revision: 1, rules: 10 })]);
    expect(await reasonOf()).toBe(REASON['unknown-vnic']);
    expect(applied).toBe(false);
    expect(await applying).toMatchObject({ tenant: 'big', revision: 2, rules: 10_000 });
    expect(await reasonOf()).toBe(REASON.new);
    expect(await stub.status()).toEqual([expect.objectContaining({ revision: 2, rules: 10_000 })]);
  });
});
