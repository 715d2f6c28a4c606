import { describe, expect, it } from 'vitest';
import { webDbScenario } from '../hypervisor/scenario.js';
import { call, ok } from './client.js';
import { tenantWithEditor } from './fixtures.js';

const MiB = 1024 * 1024;
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const question = { src: { workload: 'web-1' }, dst: { workload: 'db-1' }, proto: 'tcp', dport: 5432 };

describe('explain, dry runs and the deliveries route under hostile input', () => {
  it('explain: no body 400, over 1 MiB 413, 5,000 deep 422, another tenant 404; concurrent asks agree', async () => {
    const t = 'hx-explain';
    const { editor } = await webDbScenario(t);
    const path = `/v1/tenants/${t}/explain`;
    expect((await call('POST', path, { token: editor })).status).toBe(400);
    const padded = JSON.stringify(question) + ' '.repeat(MiB);
    expect((await call('POST', path, { token: editor, raw: padded })).status).toBe(413);
    const deep = await call('POST', path, { token: editor, raw: `{"src":${nested(5000)}}` });
    expect(deep.status).toBe(422);
    expect(deep.body.error.code).toBe('too-deep');
    const { editor: other } = await tenantWithEditor('hx-explain-other');
    expect((await call('POST', path, { token: other, body: question })).status).toBe(404);
    const [a, b] = await Promise.all(
      [1, 2].map(() => ok(call('POST', path, { token: editor, body: question }))),
    );
    expect(a!.body).toEqual(b!.body);
    expect(a!.body.verdict).toBe('allow');
  });

  it('concurrent dry runs of the same write change nothing; a bad one is a 4xx naming the field', async () => {
    const t = 'hx-dry';
    const { editor } = await webDbScenario(t);
    const before = (await ok(call('GET', `/v1/tenants/${t}`, { token: editor }))).body.revision;
    const auditBefore = (await ok(call('GET', `/v1/tenants/${t}/audit?limit=200`, { token: editor }))).body
      .items.length;
    const policy = {
      category: 'application',
      priority: 5,
      rules: [{ id: 'deny-all', action: 'drop' }],
    };
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        call('PUT', `/v1/tenants/${t}/policies/lock?dryRun=true`, { token: editor, body: policy }),
      ),
    );
    for (const r of runs) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(runs[0]!.body.impact).toEqual(runs[1]!.body.impact);
    const bad = await call('PUT', `/v1/tenants/${t}/policies/lock?dryRun=true`, {
      token: editor,
      body: { ...policy, rules: [{ id: 'x', action: 'explode' }] },
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(JSON.stringify(bad.body)).toContain('action');
    expect((await ok(call('GET', `/v1/tenants/${t}`, { token: editor }))).body.revision).toBe(before);
    expect((await call('GET', `/v1/tenants/${t}/policies/lock`, { token: editor })).status).toBe(404);
    const auditAfter = (await ok(call('GET', `/v1/tenants/${t}/audit?limit=200`, { token: editor }))).body
      .items.length;
    expect(auditAfter).toBe(auditBefore);
  });

  it('a NetBox delivery with no body, over 1 MiB or 5,000 deep is refused and applies nothing', async () => {
    const t = 'hx-hook';
    const { editor } = await tenantWithEditor(t);
    await ok(
      call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
        token: editor,
        body: { secrets: ['hx-secret-123456'] },
      }),
      201,
    );
    const path = `/v1/webhooks/${t}/netbox`;
    const empty = await call('POST', path, { token: null, headers: { 'x-hook-signature': '00' } });
    const huge = await call('POST', path, {
      token: null,
      raw: '{}' + ' '.repeat(MiB),
      headers: { 'x-hook-signature': '00' },
    });
    const deep = await call('POST', path, {
      token: null,
      raw: nested(5000),
      headers: { 'x-hook-signature': '00' },
    });
    for (const r of [empty, huge, deep]) {
      expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(huge.status).toBe(413);
    expect((await ok(call('GET', `/v1/tenants/${t}/workloads`, { token: editor }))).body.items).toEqual([]);
  });
});
