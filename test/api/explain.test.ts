import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { send, sendOne, webDbScenario } from '../hypervisor/scenario.js';
import { call, issueToken, ok } from './client.js';

const stubOf = (hv: string) => env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hv));

async function explain(t: string, token: string, body: unknown) {
  return ok(call('POST', `/v1/tenants/${t}/explain`, { token, body }));
}

describe('POST /v1/tenants/{t}/explain', () => {
  it('gives one hop per enforcement point, each deciding as the hypervisor then decides the real SYN', async () => {
    const t = 'ex-hops';
    const { editor, hvA, hvB, agentA, agentB } = await webDbScenario(t);
    const r = await explain(t, editor, {
      src: { workload: 'web-1' },
      dst: { workload: 'db-1' },
      proto: 'tcp',
      dport: 5432,
    });
    expect(r.body.verdict).toBe('allow');
    expect(r.body.packet).toMatchObject({
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: 6,
      dport: 5432,
      flags: 'S',
    });
    const hops = r.body.hops;
    expect(
      hops.map((h: { hypervisor: string; vnic: string; direction: string }) => [
        h.hypervisor,
        h.vnic,
        h.direction,
      ]),
    ).toEqual([
      [hvA, 'web-1-eth0', 'out'],
      [hvB, 'db-1-eth0', 'in'],
    ]);
    const tenant = await ok(call('GET', `/v1/tenants/${t}`, { token: editor }));
    for (const hop of hops) {
      expect(hop).toMatchObject({
        desiredRevision: tenant.body.revision,
        realizedRevision: tenant.body.revision,
        drift: false,
      });
      expect(hop.decision).toEqual({ action: 'allow', reason: 'new', rule: 'web-to-db', policy: 'app' });
      expect(hop.evaluated).toEqual([]);
    }
    const syn = {
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: 6,
      sport: r.body.packet.sport,
      dport: 5432,
      flags: 'S',
    };
    const [out] = await send(hvA, agentA, [{ ...syn, vnic: 'web-1-eth0', dir: 'out' }]);
    const [inn] = await send(hvB, agentB, [{ ...syn, vnic: 'db-1-eth0', dir: 'in' }]);
    expect([out, inn]).toEqual(hops.map((h: { decision: unknown }) => h.decision));
  });

  it('says which field missed and, for a group, which criteria the workload fails', async () => {
    const t = 'ex-why';
    const { editor, hvA, agentA } = await webDbScenario(t);
    const wrongPort = await explain(t, editor, {
      src: { workload: 'web-1' },
      dst: { vnic: 'db-1-eth0' },
      proto: 'tcp',
      dport: 22,
    });
    expect(wrongPort.body.verdict).toBe('drop');
    expect(wrongPort.body.hops[0].decision).toEqual({
      action: 'drop',
      reason: 'default',
      rule: null,
      policy: null,
    });
    expect(wrongPort.body.hops[0].evaluated).toMatchObject([
      { policy: 'app', rule: 'web-to-db', outcome: 'no-match', field: 'services' },
    ]);

    const reverse = await explain(t, editor, {
      src: { workload: 'db-1' },
      dst: { workload: 'web-1' },
      proto: 'tcp',
      dport: 5432,
    });
    const [first] = reverse.body.hops[0].evaluated;
    expect(first).toMatchObject({ rule: 'web-to-db', field: 'source' });
    expect(first.groups).toEqual([
      expect.objectContaining({
        group: 'web',
        member: false,
        failedCriteria: ['$: tag equals "tier=web" (tag is "tier=db") fails'],
      }),
    ]);
    const real = await sendOne(hvA, agentA, {
      vnic: 'web-1-eth0',
      dir: 'in',
      src: '10.0.2.7',
      dst: '10.0.1.5',
      proto: 6,
      sport: 49152,
      dport: 5432,
      flags: 'S',
    });
    expect(reverse.body.hops[1].decision).toEqual(real);

    const outside = await explain(t, editor, {
      src: { ip: '203.0.113.9' },
      dst: { ip: '10.0.2.7' },
      proto: 'udp',
      dport: 53,
    });
    expect(outside.body.hops.map((h: { vnic: string }) => h.vnic)).toEqual(['db-1-eth0']);
    const none = await explain(t, editor, {
      src: { ip: '203.0.113.9' },
      dst: { ip: '203.0.113.10' },
      proto: 6,
    });
    expect(none.body.hops).toEqual([]);
  });

  it('flags a hop whose hypervisor enforces another revision and explains both', async () => {
    const t = 'ex-drift';
    const { editor, hvB } = await webDbScenario(t);
    const stub = stubOf(hvB);
    const rs = (await stub.ruleSetOf(t))!;
    // a newer revision than the tenant's, as a push from elsewhere would leave: no rules, default allow
    await stub.applyRuleSet({
      ...rs,
      revision: rs.revision + 100,
      hash: 'drifted',
      defaultAction: 'allow',
      rules: [],
      vnics: rs.vnics.map((v) => ({ ...v, out: [], in: [] })),
    });
    const r = await explain(t, editor, {
      src: { workload: 'web-1' },
      dst: { workload: 'db-1' },
      proto: 'tcp',
      dport: 22,
    });
    const [a, b] = r.body.hops;
    expect(a.drift).toBe(false);
    expect(a.desired).toBeUndefined();
    expect(b).toMatchObject({
      drift: true,
      realizedRevision: rs.revision + 100,
      desiredRevision: rs.revision,
    });
    expect(b.decision).toEqual({ action: 'allow', reason: 'default', rule: null, policy: null });
    expect(b.desired.decision).toEqual({ action: 'drop', reason: 'default', rule: null, policy: null });
    expect(b.desired.evaluated).toMatchObject([{ rule: 'web-to-db', field: 'services' }]);
    expect(r.body.verdict).toBe('drop');
  });

  it('answers 4xx naming the problem, lets auditors in and keeps other tenants out', async () => {
    const t = 'ex-errors';
    const { editor } = await webDbScenario(t);
    const unknown = await call('POST', `/v1/tenants/${t}/explain`, {
      token: editor,
      body: { src: { workload: 'nope' }, dst: { workload: 'db-1' }, proto: 'tcp' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ code: 'unknown-workload' });
    expect(unknown.body.error.message).toContain('src.workload');
    const ports = await call('POST', `/v1/tenants/${t}/explain`, {
      token: editor,
      body: { src: { workload: 'web-1' }, dst: { workload: 'db-1' }, proto: 'icmp', dport: 3 },
    });
    expect(ports.status).toBe(400);
    const two = await call('POST', `/v1/tenants/${t}/explain`, {
      token: editor,
      body: { src: { workload: 'web-1', ip: '10.0.1.5' }, dst: { workload: 'db-1' }, proto: 'tcp' },
    });
    expect(two.status).toBe(400);
    const auditor = await issueToken('auditor', { tenant: t });
    await explain(t, auditor, { src: { workload: 'web-1' }, dst: { workload: 'db-1' }, proto: 1 });
    const other = await issueToken('editor', { tenant: 'ex-hops' });
    expect(
      (
        await call('POST', `/v1/tenants/${t}/explain`, {
          token: other,
          body: { src: { workload: 'web-1' }, dst: { workload: 'db-1' }, proto: 'tcp' },
        })
      ).status,
    ).toBe(404);
  });
});
