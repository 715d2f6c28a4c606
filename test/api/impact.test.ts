import { describe, expect, it } from 'vitest';
import { send, type Packet } from '../hypervisor/scenario.js';
import { call, createTenant, issueToken, ok } from './client.js';
import { hypervisor, workload } from './fixtures.js';

interface Conn {
  web: string;
  src: string;
  db: string;
  dst: string;
  sport: number;
  dport: number;
}

const key = (hv: string, vnic: string, c: { src: string; dst: string; sport: number; dport: number }) =>
  `${hv} ${vnic} ${c.src}:${c.sport} > ${c.dst}:${c.dport}`;

function policy(rules: unknown[]) {
  return { category: 'application', priority: 10, rules };
}

const pg = (sources: unknown) => ({
  id: 'pg',
  sources,
  destinations: { groups: ['db'] },
  services: [{ proto: 'tcp', ports: '5432' }],
  action: 'allow',
  log: true,
});
const redis = {
  id: 'redis',
  sources: { groups: ['web'] },
  destinations: { groups: ['db'] },
  services: [{ proto: 'tcp', ports: '6379' }],
  action: 'allow',
  log: true,
};

/** Tenant `t` (revalidateOnChange) with 3 web workloads on hv-a, 2 db workloads on hv-b and 60 open connections. */
async function sixtyConnections(t: string) {
  await createTenant(t, { revalidateOnChange: true });
  const editor = await issueToken('editor', { tenant: t });
  const [hvA, hvB] = [`${t}-a`, `${t}-b`];
  await hypervisor(hvA);
  await hypervisor(hvB);
  const agentA = await issueToken('agent', { hypervisor: hvA });
  const agentB = await issueToken('agent', { hypervisor: hvB });
  for (let i = 1; i <= 3; i++)
    await workload(t, `web-${i}`, hvA, [`10.0.1.${i}`], { tags: ['tier=web'] }, editor);
  for (let i = 1; i <= 2; i++)
    await workload(t, `db-${i}`, hvB, [`10.0.2.${i}`], { tags: ['tier=db'] }, editor);
  for (const g of ['web', 'db'])
    await ok(
      call('PUT', `/v1/tenants/${t}/groups/${g}`, {
        token: editor,
        body: { criteria: { field: 'tag', op: 'equals', value: `tier=${g}` } },
      }),
      201,
    );
  await ok(
    call('PUT', `/v1/tenants/${t}/policies/app`, {
      token: editor,
      body: policy([pg({ groups: ['web'] }), redis]),
    }),
    201,
  );
  const conns: Conn[] = Array.from({ length: 60 }, (_, i) => ({
    web: `web-${(i % 3) + 1}-eth0`,
    src: `10.0.1.${(i % 3) + 1}`,
    db: `db-${(i % 2) + 1}-eth0`,
    dst: `10.0.2.${(i % 2) + 1}`,
    sport: 40000 + i,
    dport: i % 4 === 0 ? 6379 : 5432,
  }));
  const fwd = (c: Conn, flags: string) => ({
    src: c.src,
    dst: c.dst,
    proto: 6,
    sport: c.sport,
    dport: c.dport,
    flags,
  });
  const rev = (c: Conn, flags: string) => ({
    src: c.dst,
    dst: c.src,
    proto: 6,
    sport: c.dport,
    dport: c.sport,
    flags,
  });
  const atA = (p: (c: Conn, f: string) => object, f: string, dir: 'in' | 'out') =>
    conns.map((c) => ({ ...p(c, f), vnic: c.web, dir }) as Packet);
  const atB = (p: (c: Conn, f: string) => object, f: string, dir: 'in' | 'out') =>
    conns.map((c) => ({ ...p(c, f), vnic: c.db, dir }) as Packet);
  const handshake = [
    await send(hvA, agentA, atA(fwd, 'S', 'out')),
    await send(hvB, agentB, atB(fwd, 'S', 'in')),
    await send(hvB, agentB, atB(rev, 'SA', 'out')),
    await send(hvA, agentA, atA(rev, 'SA', 'in')),
    await send(hvA, agentA, atA(fwd, 'A', 'out')),
    await send(hvB, agentB, atB(fwd, 'A', 'in')),
  ];
  expect(handshake.flat().every((v) => v.action === 'allow')).toBe(true);
  return { editor, hvA, hvB, agentA, agentB, conns, fwd, atA, atB };
}

async function observed(t: string, hvs: string[]) {
  const tenant = await ok(call('GET', `/v1/tenants/${t}`));
  const audit = await ok(call('GET', `/v1/tenants/${t}/audit?limit=1000`));
  const flows = [];
  for (const h of hvs) {
    const s = await ok(call('GET', `/v1/hypervisors/${h}/status`));
    flows.push(s.body.tenants.find((x: { tenant: string }) => x.tenant === t));
  }
  return { revision: tenant.body.revision, audit: audit.body.items.length, flows };
}

describe('impact of a dry run', { timeout: 120_000 }, () => {
  it('predicts exactly the flows that applying the change with revalidateOnChange cuts, and changes nothing', async () => {
    const t = 'imp-60';
    const { editor, hvA, hvB, agentA, agentB, conns, fwd, atA, atB } = await sixtyConnections(t);
    const narrowed = policy([pg({ cidrs: ['10.0.1.1/32'] })]);
    const before = await observed(t, [hvA, hvB]);
    expect(before.flows.map((f) => f.flows)).toEqual([60, 60]);

    const dry = await ok(
      call('PUT', `/v1/tenants/${t}/policies/app?dryRun=true`, { token: editor, body: narrowed }),
    );
    expect(dry.body).toMatchObject({ dryRun: true, action: 'update', kind: 'policy', id: 'app' });
    const impact = dry.body.impact;
    expect(impact.revalidateOnChange).toBe(true);
    expect(impact.established.sample).toHaveLength(impact.established.cut);
    expect(
      impact.established.byHypervisor.map((h: { hypervisor: string; flows: number }) => [
        h.hypervisor,
        h.flows,
      ]),
    ).toEqual([
      [hvA, 60],
      [hvB, 60],
    ]);
    const predicted = new Set<string>(
      impact.established.sample.map((f: { hypervisor: string; vnic: string } & Conn) =>
        key(f.hypervisor, f.vnic, f),
      ),
    );
    for (const f of impact.established.sample) {
      expect(f.allowedBy).toEqual({ policy: 'app', rule: f.dport === 6379 ? 'redis' : 'pg' });
      expect(f.now).toEqual({ action: 'drop', reason: 'default', rule: null, policy: null });
      expect(f.state).toBe('ESTABLISHED');
    }
    // every cut connection was opened by a logged rule decision at each of its two enforcement points
    expect(impact.flowLog).toMatchObject({ newlyDenied: impact.established.cut, newlyAllowed: 0 });
    expect(await observed(t, [hvA, hvB])).toEqual(before);

    await ok(call('PUT', `/v1/tenants/${t}/policies/app`, { token: editor, body: narrowed }));
    const afterA = await send(hvA, agentA, atA(fwd, 'A', 'out'));
    const afterB = await send(hvB, agentB, atB(fwd, 'A', 'in'));
    const cut = new Set<string>();
    conns.forEach((c, i) => {
      if (afterA[i]!.reason !== 'established') cut.add(key(hvA, c.web, c));
      if (afterB[i]!.reason !== 'established') cut.add(key(hvB, c.db, c));
    });
    // web-2 and web-3 lose postgres, everyone loses redis: 15 redis + 30 postgres connections, two points each
    expect(cut.size).toBe(90);
    expect([...predicted].sort()).toEqual([...cut].sort());
  });

  it('a dry run of a delete, of an app and of tenant settings answers impact too', async () => {
    const t = 'imp-kinds';
    const { editor, hvA, hvB } = await sixtyConnections(t);
    const before = await observed(t, [hvA, hvB]);
    const del = await ok(call('DELETE', `/v1/tenants/${t}/policies/app?dryRun=true`, { token: editor }));
    expect(del.body).toMatchObject({ dryRun: true, action: 'delete', after: null });
    expect(del.body.impact.established.cut).toBe(120);
    const settings = await ok(
      call('PATCH', `/v1/tenants/${t}?dryRun=true`, {
        token: editor,
        body: { settings: { defaultAction: 'allow' } },
      }),
    );
    expect(settings.body.impact.established.cut).toBe(0);
    const moved = await ok(
      call('PUT', `/v1/tenants/${t}/workloads/web-1?dryRun=true`, {
        token: editor,
        body: { hypervisor: hvA, vnics: [{ id: 'web-1-eth0', ips: ['10.0.1.1'] }], tags: [] },
      }),
    );
    // web-1 leaves group web: its 20 connections are cut at both ends
    expect(moved.body.impact.established.cut).toBe(40);
    const app = await ok(
      call('PUT', `/v1/tenants/${t}/apps/blocker?dryRun=true`, {
        token: editor,
        body: {
          policies: {
            stop: {
              category: 'emergency',
              priority: 1,
              rules: [{ id: 'no-redis', services: [{ proto: 'tcp', ports: '6379' }], action: 'reject' }],
            },
          },
        },
      }),
    );
    expect(app.body.impact.established.cut).toBe(30);
    expect(app.body.impact.established.sample[0].now).toMatchObject({
      action: 'reject',
      rule: 'no-redis',
      policy: 'stop',
    });
    const auditor = await issueToken('auditor', { tenant: t });
    expect(
      (await call('DELETE', `/v1/tenants/${t}/policies/app?dryRun=true`, { token: auditor })).status,
    ).toBe(403);
    expect(await observed(t, [hvA, hvB])).toEqual(before);
  });
});
