import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, tenantWithEditor, workload, webToDbPolicy } from '../api/fixtures.js';
import { send, sendOne } from '../hypervisor/scenario.js';

const wl = (id: string, hv: string, ips: string[], extra: Record<string, unknown> = {}) => ({
  id,
  hypervisor: hv,
  vnics: [{ id: `${id}-eth0`, ips }],
  ...extra,
});
const sync = (
  t: string,
  source: string,
  workloads: unknown[],
  opts: { token?: string; query?: string } = {},
) =>
  call('PUT', `/v1/tenants/${t}/inventory/${source}${opts.query ?? ''}`, {
    token: opts.token,
    body: { workloads },
  });
const revisionOf = async (t: string) => (await ok(call('GET', `/v1/tenants/${t}`))).body.revision as number;
const allWorkloads = async (t: string) =>
  (await ok(call('GET', `/v1/tenants/${t}/workloads?limit=1000`))).body.items as { id: string }[];

describe('inventory sync', () => {
  it('creates from empty in one revision, readable like any workload', async () => {
    const { editor } = await tenantWithEditor('is1');
    const before = await revisionOf('is1');
    const r = await ok(
      sync(
        'is1',
        'netbox',
        [wl('b', 'hv-1', ['10.0.0.2'], { tags: ['tier=web'] }), wl('a', 'hv-2', ['10.0.0.1'])],
        {
          token: editor,
        },
      ),
    );
    expect(r.body).toMatchObject({
      source: 'netbox',
      dryRun: false,
      created: ['a', 'b'],
      updated: [],
      moved: [],
      deleted: [],
      unchanged: 0,
      revision: before + 1,
    });
    expect(await revisionOf('is1')).toBe(before + 1);
    const got = await ok(call('GET', '/v1/tenants/is1/workloads/b', { token: editor }));
    expect(got.body).toEqual({
      id: 'b',
      name: 'b',
      hypervisor: 'hv-1',
      vnics: [{ id: 'b-eth0', ips: ['10.0.0.2'] }],
      tags: ['tier=web'],
      attributes: {},
    });
    const audit = await ok(
      call('GET', '/v1/tenants/is1/audit?object=inventory-sync/netbox', { token: editor }),
    );
    expect(audit.body.items[0]).toMatchObject({ action: 'sync', revision: before + 1 });
  });

  it('resyncs with changes: updates, deletes, keeps vNIC handles, answers unchanged on a repeat', async () => {
    const { editor } = await tenantWithEditor('is2');
    await ok(
      sync('is2', 'nb', [wl('a', 'hv-1', ['10.0.0.1']), wl('b', 'hv-1', ['10.0.0.2']), wl('c', 'hv-1', [])]),
    );
    const handles = async () =>
      (await ok(call('GET', '/v1/hypervisors/hv-1/vnics'))).body.items
        .filter((v: { tenant: string }) => v.tenant === 'is2')
        .map((v: { vnic: string; handle: number }) => [v.vnic, v.handle]);
    const first = new Map(await handles());
    const desired = [
      wl('a', 'hv-1', ['10.0.0.9'], { tags: ['changed'] }),
      wl('c', 'hv-1', []),
      wl('d', 'hv-1', ['10.0.0.4']),
    ];
    const r = await ok(sync('is2', 'nb', desired, { token: editor }));
    expect(r.body).toMatchObject({ created: ['d'], updated: ['a'], deleted: ['b'], unchanged: 1 });
    expect((await allWorkloads('is2')).map((w) => w.id)).toEqual(['a', 'c', 'd']);
    const a = await ok(call('GET', '/v1/tenants/is2/workloads/a'));
    expect(a.body).toMatchObject({ tags: ['changed'], vnics: [{ id: 'a-eth0', ips: ['10.0.0.9'] }] });
    expect(new Map(await handles()).get('a-eth0')).toBe(first.get('a-eth0'));
    const rev = await revisionOf('is2');
    const again = await ok(sync('is2', 'nb', desired, { token: editor }));
    expect(again.body).toMatchObject({ created: [], updated: [], deleted: [], unchanged: 3, revision: rev });
    expect(await revisionOf('is2')).toBe(rev);
  });

  it('dryRun answers the diff and changes nothing', async () => {
    const { editor } = await tenantWithEditor('is3');
    await ok(sync('is3', 'nb', [wl('a', 'hv-1', []), wl('b', 'hv-1', [])]));
    const rev = await revisionOf('is3');
    const r = await ok(
      sync('is3', 'nb', [wl('a', 'hv-2', []), wl('c', 'hv-1', [])], { token: editor, query: '?dryRun=true' }),
    );
    expect(r.body).toMatchObject({
      dryRun: true,
      created: ['c'],
      moved: [{ id: 'a', from: 'hv-1', to: 'hv-2' }],
      deleted: ['b'],
      migrations: [],
    });
    expect(await revisionOf('is3')).toBe(rev);
    expect((await allWorkloads('is3')).map((w) => w.id)).toEqual(['a', 'b']);
  });

  it('leaves workloads of the API and of other sources alone', async () => {
    const { editor } = await tenantWithEditor('is4');
    await workload('is4', 'api-1', 'hv-1', ['10.0.0.1'], {}, editor);
    await ok(sync('is4', 'vcenter', [wl('vc-1', 'hv-1', [])]));
    await ok(sync('is4', 'netbox', [wl('nb-1', 'hv-1', [])]));
    const r = await ok(sync('is4', 'netbox', [], { token: editor }));
    expect(r.body.deleted).toEqual(['nb-1']);
    expect((await allWorkloads('is4')).map((w) => w.id)).toEqual(['api-1', 'vc-1']);
  });

  it('answers 409 naming a workload owned elsewhere, and applies nothing', async () => {
    const { editor } = await tenantWithEditor('is5');
    await workload('is5', 'api-1', 'hv-1', ['10.0.0.1'], {}, editor);
    const rev = await revisionOf('is5');
    const r = await sync('is5', 'nb', [wl('new-1', 'hv-1', []), wl('api-1', 'hv-2', [])], { token: editor });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('owned-elsewhere');
    expect(r.body.error.message).toContain('"api-1"');
    expect(r.body.error.details.conflicts).toEqual([{ kind: 'workload', id: 'api-1', owner: null }]);
    const taken = await sync('is5', 'nb', [{ id: 'x', hypervisor: 'hv-1', vnics: [{ id: 'api-1-eth0' }] }]);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('vnic-taken');
    expect(await revisionOf('is5')).toBe(rev);
    expect((await allWorkloads('is5')).map((w) => w.id)).toEqual(['api-1']);
  });

  it('refuses bad bodies whole: duplicate ids, a missing id, an unknown hypervisor', async () => {
    const { editor } = await tenantWithEditor('is6');
    const dup = await sync('is6', 'nb', [wl('a', 'hv-1', []), wl('a', 'hv-2', [])], { token: editor });
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toMatch(/^body\.workloads\[1\]\.id/);
    const noId = await sync('is6', 'nb', [{ hypervisor: 'hv-1' }], { token: editor });
    expect(noId.status).toBe(400);
    const bad = await sync('is6', 'nb', [wl('a', 'hv-1', ['not-an-ip'])], { token: editor });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.workloads\[0\]\.vnics\[0\]\.ips\[0\]/);
    const hv = await sync('is6', 'nb', [wl('a', 'hv-nope', [])], { token: editor });
    expect(hv.status).toBe(422);
    expect(hv.body.error.code).toBe('unknown-hypervisor');
    expect(await allWorkloads('is6')).toEqual([]);
  });

  it('honours If-Match', async () => {
    await tenantWithEditor('is10');
    const rev = await revisionOf('is10');
    const stale = await call('PUT', '/v1/tenants/is10/inventory/nb', {
      body: { workloads: [wl('a', 'hv-1', [])] },
      headers: { 'if-match': `"${rev - 1}"` },
    });
    expect(stale.status).toBe(412);
    const fresh = await call('PUT', '/v1/tenants/is10/inventory/nb', {
      body: { workloads: [wl('a', 'hv-1', [])] },
      headers: { 'if-match': `"${rev}"` },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe(`"${rev + 1}"`);
  });

  it('lets inventory tokens sync, not auditors', async () => {
    await tenantWithEditor('is7');
    const inventory = await issueToken('inventory', { tenant: 'is7' });
    const auditor = await issueToken('auditor', { tenant: 'is7' });
    await ok(sync('is7', 'nb', [wl('a', 'hv-1', [])], { token: inventory }));
    expect((await sync('is7', 'nb', [], { token: auditor })).status).toBe(403);
    await createTenant('is7-other');
    expect((await sync('is7-other', 'nb', [], { token: inventory })).status).toBe(404);
  });

  it('syncs 2,000 workloads in one revision', async () => {
    await tenantWithEditor('is8');
    const many = Array.from({ length: 2000 }, (_, i) =>
      wl(`w-${String(i).padStart(4, '0')}`, i % 2 ? 'hv-1' : 'hv-2', [`10.1.${i >> 8}.${i & 255}`], {
        tags: [`n=${i % 7}`],
        attributes: { rack: `r${i % 13}` },
      }),
    );
    const rev = await revisionOf('is8');
    const r = await ok(sync('is8', 'nb', many, { query: '' }));
    expect(r.body.created).toHaveLength(2000);
    expect(await revisionOf('is8')).toBe(rev + 1);
    const page = await ok(call('GET', '/v1/tenants/is8/workloads?limit=1000'));
    expect(page.body.items[1]).toEqual({
      id: 'w-0001',
      name: 'w-0001',
      hypervisor: 'hv-1',
      vnics: [{ id: 'w-0001-eth0', ips: ['10.1.0.1'] }],
      tags: ['n=1'],
      attributes: { rack: 'r1' },
    });
    const half = many.filter((_, i) => i % 2 === 0);
    const again = await ok(sync('is8', 'nb', half));
    expect(again.body).toMatchObject({ unchanged: 1000 });
    expect(again.body.deleted).toHaveLength(1000);
    expect(await revisionOf('is8')).toBe(rev + 2);
  });

  it('moves a workload with its established flows; the old hypervisor answers moved', async () => {
    const t = 'is9';
    await createTenant(t);
    const [hvA, hvB, hvC] = [`${t}-a`, `${t}-b`, `${t}-c`];
    for (const h of [hvA, hvB, hvC]) await hypervisor(h);
    const agentA = await issueToken('agent', { hypervisor: hvA });
    const agentC = await issueToken('agent', { hypervisor: hvC });
    const web = wl('web-1', hvA, ['10.0.1.5'], { tags: ['tier=web'] });
    const db = wl('db-1', hvB, ['10.0.2.7'], { tags: ['tier=db'] });
    await ok(sync(t, 'nb', [web, db]));
    for (const [id, tag] of [
      ['web', 'tier=web'],
      ['db', 'tier=db'],
    ])
      await ok(
        call('PUT', `/v1/tenants/${t}/groups/${id}`, {
          body: { criteria: { field: 'tag', op: 'equals', value: tag } },
        }),
        201,
      );
    await webToDbPolicy(t);
    const pkt = {
      vnic: 'web-1-eth0',
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: 6,
      sport: 40000,
      dport: 5432,
      len: 60,
    };
    const reply = { ...pkt, src: '10.0.2.7', dst: '10.0.1.5', sport: 5432, dport: 40000 };
    await send(hvA, agentA, [{ ...pkt, dir: 'out', flags: 'S' }]);
    const est = await send(hvA, agentA, [{ ...reply, dir: 'in', flags: 'SA' }]);
    expect(est[0]!.reason).toBe('established');
    const rev = await revisionOf(t);
    const r = await ok(sync(t, 'nb', [{ ...web, hypervisor: hvC }, db]));
    expect(r.body.moved).toEqual([{ id: 'web-1', from: hvA, to: hvC }]);
    expect(r.body.migrations).toEqual([
      { workload: 'web-1', migration: `sync-r${rev + 1}-0`, state: 'done', error: null },
    ]);
    expect(await revisionOf(t)).toBe(rev + 1);
    expect(await sendOne(hvC, agentC, { ...pkt, dir: 'out', flags: 'A' })).toMatchObject({
      action: 'allow',
      reason: 'established',
    });
    expect((await sendOne(hvA, agentA, { ...pkt, dir: 'out', flags: 'A' })).reason).toBe('moved');
    const w = await ok(call('GET', `/v1/tenants/${t}/workloads/web-1`));
    expect(w.body.hypervisor).toBe(hvC);
  });
});
