import { describe, expect, it } from 'vitest';
import { call, issueToken, ok } from '../api/client.js';
import { hypervisor, tenantWithEditor } from '../api/fixtures.js';
import { webDbScenario } from '../hypervisor/scenario.js';

describe('GET /v1/tenants/{t}/migrations', () => {
  it("lists the tenant's migrations by id, paged, for its editors and auditors only", async () => {
    const t = 'mg-list';
    const s = await webDbScenario(t);
    const to = `${t}-hv-c`;
    await hypervisor(to);
    for (const [id, dest] of [
      ['move-b', to],
      ['move-a', s.hvA],
    ]) {
      const r = await call('POST', `/v1/tenants/${t}/workloads/web-1/migrate`, {
        token: s.editor,
        body: { to: dest, id },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      for (let i = 0; i < 100; i++) {
        const m = await ok(call('GET', `/v1/tenants/${t}/migrations/${id}`, { token: s.editor }));
        if (m.body.state === 'done') break;
        expect(m.body.state).not.toBe('failed');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const auditor = await issueToken('auditor', { tenant: t });
    const first = await ok(call('GET', `/v1/tenants/${t}/migrations?limit=1`, { token: auditor }));
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual(['move-a']);
    expect(first.body.items[0]).toMatchObject({ workload: 'web-1', from: to, to: s.hvA });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await ok(
      call('GET', `/v1/tenants/${t}/migrations?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, {
        token: auditor,
      }),
    );
    expect(second.body.items.map((m: { id: string }) => m.id)).toEqual(['move-b']);
    const { editor: other } = await tenantWithEditor('mg-list-other');
    expect((await call('GET', `/v1/tenants/${t}/migrations`, { token: other })).status).toBe(404);
    const agent = await issueToken('agent', { hypervisor: s.hvA });
    expect(
      (await call('GET', `/v1/tenants/${t}/migrations`, { token: agent })).status,
    ).toBeGreaterThanOrEqual(403);
  });
});
