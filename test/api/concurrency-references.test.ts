import { describe, expect, it } from 'vitest';
import { call } from './client.js';
import { tenantWithEditor } from './fixtures.js';
import { ROUNDS, expectValid, race, ok2xx } from './invariants.js';

describe(
  'under concurrent writers without If-Match: no rule or group names what does not exist',
  { timeout: 120_000 },
  () => {
    it('a group deleted while a policy starts naming it: never a dangling reference', async () => {
      const t = { id: 'race-group-ref', ...(await tenantWithEditor('race-group-ref')) };
      let progressed = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const g = `g${i}`;
        await call('PUT', `/v1/tenants/${t.id}/groups/${g}`, {
          token: t.editor,
          body: { members: { cidrs: ['10.0.0.0/8'] } },
        });
        const [del, put] = await race(
          () => call('DELETE', `/v1/tenants/${t.id}/groups/${g}`, { token: t.editor }),
          () =>
            call('PUT', `/v1/tenants/${t.id}/policies/p${i}`, {
              token: t.editor,
              body: {
                category: 'application',
                priority: i,
                rules: [{ id: 'r', sources: { groups: [g] }, action: 'allow' }],
              },
            }),
        );
        expect(ok2xx(del) && ok2xx(put), `round ${i}: both committed`).toBe(false);
        if (ok2xx(del) || ok2xx(put)) progressed++;
        await expectValid(t);
      }
      expect(progressed).toBe(ROUNDS);
    });

    it('a service deleted while a policy starts naming it: never a dangling reference', async () => {
      const t = { id: 'race-service-ref', ...(await tenantWithEditor('race-service-ref')) };
      for (let i = 0; i < ROUNDS; i++) {
        const s = `s${i}`;
        await call('PUT', `/v1/tenants/${t.id}/services/${s}`, {
          token: t.editor,
          body: { entries: [{ proto: 'tcp', ports: '443' }] },
        });
        const [del, put] = await race(
          () => call('DELETE', `/v1/tenants/${t.id}/services/${s}`, { token: t.editor }),
          () =>
            call('PUT', `/v1/tenants/${t.id}/policies/p${i}`, {
              token: t.editor,
              body: {
                category: 'application',
                priority: i,
                rules: [{ id: 'r', services: [s], action: 'allow' }],
              },
            }),
        );
        expect(ok2xx(del) && ok2xx(put), `round ${i}: both committed`).toBe(false);
        await expectValid(t);
      }
    });

    it('a group deleted while another group starts nesting it', async () => {
      const t = { id: 'race-nest-ref', ...(await tenantWithEditor('race-nest-ref')) };
      for (let i = 0; i < ROUNDS; i++) {
        await call('PUT', `/v1/tenants/${t.id}/groups/inner${i}`, { token: t.editor, body: { members: {} } });
        const [del, put] = await race(
          () => call('DELETE', `/v1/tenants/${t.id}/groups/inner${i}`, { token: t.editor }),
          () =>
            call('PUT', `/v1/tenants/${t.id}/groups/outer${i}`, {
              token: t.editor,
              body: { members: { groups: [`inner${i}`] } },
            }),
        );
        expect(ok2xx(del) && ok2xx(put), `round ${i}: both committed`).toBe(false);
        await expectValid(t);
      }
    });
  },
);
