import { describe, expect, it } from 'vitest';
import { call } from './client.js';
import { tenantWithEditor } from './fixtures.js';
import { ROUNDS, expectValid, race, ok2xx } from './invariants.js';

describe(
  'under concurrent writers without If-Match: an app owns what it says it owns',
  { timeout: 120_000 },
  () => {
    it('an app and a direct write claiming the same group: the app owns what it says it owns', async () => {
      const t = { id: 'race-app-own', ...(await tenantWithEditor('race-app-own')) };
      for (let i = 0; i < ROUNDS; i++) {
        const g = `shared${i}`;
        const [app, direct] = await race(
          () =>
            call('PUT', `/v1/tenants/${t.id}/apps/app${i}`, {
              token: t.editor,
              body: { groups: { [g]: { members: { cidrs: ['10.9.0.0/16'] } } }, services: {}, policies: {} },
            }),
          () => call('PUT', `/v1/tenants/${t.id}/groups/${g}`, { token: t.editor, body: { members: {} } }),
        );
        expect(ok2xx(app) && ok2xx(direct), `round ${i}: both committed`).toBe(false);
        const group = await call('GET', `/v1/tenants/${t.id}/groups/${g}`, { token: t.editor });
        expect(group.status).toBe(200);
        expect(group.body.app ?? null).toBe(ok2xx(app) ? `app${i}` : null);
        await expectValid(t);
      }
    });

    it('two apps claiming the same policy: one of them is refused', async () => {
      const t = { id: 'race-app-app', ...(await tenantWithEditor('race-app-app')) };
      for (let i = 0; i < ROUNDS; i++) {
        const body = {
          groups: {},
          services: {},
          policies: {
            [`p${i}`]: { category: 'application', priority: 1, rules: [{ id: 'r', action: 'allow' }] },
          },
        };
        const [ra, rb] = await race(
          () => call('PUT', `/v1/tenants/${t.id}/apps/x${i}`, { token: t.editor, body }),
          () => call('PUT', `/v1/tenants/${t.id}/apps/y${i}`, { token: t.editor, body }),
        );
        expect([ra.status, rb.status].sort()).toEqual([201, 409]);
        const owner = ra.status === 201 ? `x${i}` : `y${i}`;
        expect((await call('GET', `/v1/tenants/${t.id}/policies/p${i}`, { token: t.editor })).body.app).toBe(
          owner,
        );
        await expectValid(t);
      }
    });

    it('an app deleted while a policy outside it starts naming its group: the in-use check holds', async () => {
      const t = { id: 'race-app-inuse', ...(await tenantWithEditor('race-app-inuse')) };
      for (let i = 0; i < ROUNDS; i++) {
        await call('PUT', `/v1/tenants/${t.id}/apps/a${i}`, {
          token: t.editor,
          body: {
            groups: { [`ag${i}`]: { members: { cidrs: ['10.3.0.0/16'] } } },
            services: {},
            policies: {},
          },
        });
        const [del, put] = await race(
          () => call('DELETE', `/v1/tenants/${t.id}/apps/a${i}`, { token: t.editor }),
          () =>
            call('PUT', `/v1/tenants/${t.id}/policies/p${i}`, {
              token: t.editor,
              body: {
                category: 'application',
                priority: i,
                rules: [{ id: 'r', destinations: { groups: [`ag${i}`] }, action: 'allow' }],
              },
            }),
        );
        expect(ok2xx(del) && ok2xx(put), `round ${i}: both committed`).toBe(false);
        await expectValid(t);
      }
    });
  },
);
