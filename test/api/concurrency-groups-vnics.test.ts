import { describe, expect, it } from 'vitest';
import { call } from './client.js';
import { tenantWithEditor } from './fixtures.js';
import { ROUNDS, expectValid, race, ok2xx } from './invariants.js';

describe(
  'under concurrent writers without If-Match: no nesting cycle, one workload per vNIC',
  { timeout: 120_000 },
  () => {
    it('two groups nesting each other: never a cycle', async () => {
      const t = { id: 'race-cycle', ...(await tenantWithEditor('race-cycle')) };
      for (let i = 0; i < ROUNDS; i++) {
        const [a, b] = [`a${i}`, `b${i}`];
        await call('PUT', `/v1/tenants/${t.id}/groups/${a}`, { token: t.editor, body: { members: {} } });
        await call('PUT', `/v1/tenants/${t.id}/groups/${b}`, { token: t.editor, body: { members: {} } });
        const [ra, rb] = await race(
          () =>
            call('PUT', `/v1/tenants/${t.id}/groups/${a}`, {
              token: t.editor,
              body: { members: { groups: [b] } },
            }),
          () =>
            call('PUT', `/v1/tenants/${t.id}/groups/${b}`, {
              token: t.editor,
              body: { members: { groups: [a] } },
            }),
        );
        expect(ok2xx(ra) && ok2xx(rb), `round ${i}: both committed`).toBe(false);
        expect([ra.status, rb.status]).toContain(422);
        await expectValid(t);
      }
    });

    it('the same vNIC id in two workloads: one of them is refused', async () => {
      const t = { id: 'race-vnic', ...(await tenantWithEditor('race-vnic')) };
      for (let i = 0; i < ROUNDS; i++) {
        const body = (ip: string) => ({ hypervisor: 'hv-1', vnics: [{ id: `nic${i}`, ips: [ip] }] });
        const [ra, rb] = await race(
          () =>
            call('PUT', `/v1/tenants/${t.id}/workloads/a${i}`, { token: t.editor, body: body('10.1.0.1') }),
          () =>
            call('PUT', `/v1/tenants/${t.id}/workloads/b${i}`, { token: t.editor, body: body('10.1.0.2') }),
        );
        expect([ra.status, rb.status].sort()).toEqual([201, 409]);
        await expectValid(t);
      }
    });

    it('a hypervisor deleted while a workload moves onto it: no workload on a missing hypervisor', async () => {
      const t = { id: 'race-hv', ...(await tenantWithEditor('race-hv')) };
      for (let i = 0; i < ROUNDS; i++) {
        await call('PUT', `/v1/hypervisors/hv-x${i}`, { body: { name: `x${i}` } });
        const [del, put] = await race(
          () => call('DELETE', `/v1/hypervisors/hv-x${i}`),
          () =>
            call('PUT', `/v1/tenants/${t.id}/workloads/w${i}`, {
              token: t.editor,
              body: { hypervisor: `hv-x${i}`, vnics: [{ id: `w${i}-eth0`, ips: ['10.4.0.1'] }] },
            }),
        );
        expect(ok2xx(del) && ok2xx(put), `round ${i}: both committed`).toBe(false);
        const hv = await call('GET', `/v1/hypervisors/hv-x${i}`);
        const w = await call('GET', `/v1/tenants/${t.id}/workloads/w${i}`, { token: t.editor });
        if (w.status === 200) expect(hv.status).toBe(200);
        if (w.status === 200)
          await call('DELETE', `/v1/tenants/${t.id}/workloads/w${i}`, { token: t.editor });
      }
    });
  },
);
