import { classBenchRules } from '../classbench-policy.js';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from './client.js';
import { applyPatch } from '../policy/apply-patch.js';
import { hypervisor, workload } from './fixtures.js';

const RULES = 20_000;
const POLICY = '/v1/tenants/big/policies/acl';

/** ClassBench acl1_1k lines, repeated under fresh ids up to `n` rules: ClassBench-sized rule bodies. */
const rulesOf = (n: number) => classBenchRules(env.CLASSBENCH_RULES, n);

/** The first acl1_1k line: 237.73.3.4 → 67.236.63.210, TCP to 1711. Rule r0 is its first match. */
const packet = {
  vnic: 'w-eth0',
  dir: 'out',
  src: '237.73.3.4',
  dst: '67.236.63.210',
  proto: 6,
  sport: 40000,
  dport: 1711,
  flags: 'S',
  len: 60,
};

describe('a policy of 20,000 ClassBench rules', () => {
  it('is created, changed by one rule, realized, audited as that change, read back in order and deleted', async () => {
    await createTenant('big');
    await hypervisor('big-hv');
    await workload('big', 'w', 'big-hv', ['10.255.255.254']);
    const agent = await issueToken('agent', { hypervisor: 'big-hv' });
    const judge = async () =>
      (
        await ok(
          call('POST', '/v1/hypervisors/big-hv/packets', { token: agent, body: { packets: [packet] } }),
        )
      ).body.verdicts[0];
    const rules = rulesOf(RULES);
    const body = { category: 'application', priority: 1, stateful: false, rules };
    expect(JSON.stringify(body).length).toBeLessThan(8 * 1024 * 1024);

    const created = await ok(call('PUT', POLICY, { body }), 201);
    expect(created.headers.get('omniwall-realization')).toBe('realized');
    expect(await judge()).toMatchObject({ action: 'allow', rule: 'r0', policy: 'acl' });
    const realization = await ok(call('GET', '/v1/tenants/big/realization'));
    expect(realization.body.hypervisors).toContain('big-hv');

    const changedRules = rules.map((r) => (r.id === 'r0' ? { ...r, action: 'drop' } : r));
    const updated = await ok(call('PUT', POLICY, { body: { ...body, rules: changedRules } }));
    expect(updated.headers.get('omniwall-realization')).toBe('realized');
    expect(await judge()).toMatchObject({ action: 'drop', rule: 'r0', policy: 'acl' });

    const read = await ok(call('GET', POLICY));
    expect(read.body.rules).toHaveLength(RULES);
    expect(read.body.rules.map((r: { id: string }) => r.id)).toEqual(rules.map((r) => r.id));
    expect(read.body.rules[0].action).toBe('drop');
    expect(read.body.rules[1].action).toBe('allow');

    const log = await ok(call('GET', '/v1/tenants/big/audit?object=policy/acl'));
    const [update, create] = log.body.items;
    expect([update.action, create.action]).toEqual(['update', 'create']);
    expect(update.summary).toEqual({
      fields: ['rules'],
      byId: {
        rules: {
          counts: { added: 0, removed: 0, changed: 1, moved: 0 },
          added: [],
          removed: [],
          changed: ['r0'],
          moved: [],
        },
      },
    });
    expect(update.changes).toEqual([{ op: 'replace', path: '/rules/0/action', value: 'drop' }]);
    // the entry names the change; the 20,000-rule documents are left out of the list
    const policyBytes = update.documents.after.bytes;
    expect(policyBytes).toBeGreaterThan(2_000_000);
    expect(update.omitted).toEqual(['before', 'after']);
    expect(JSON.stringify(update).length).toBeLessThan(policyBytes / 100);
    expect(JSON.stringify(log.body).length).toBeLessThan(policyBytes / 50);
    // content-addressed: the create's after is the update's before, stored once
    expect(update.documents.before.sha256).toBe(create.documents.after.sha256);
    const stored = await env.DB.prepare(
      'SELECT count(DISTINCT hash) AS n, sum(length(body)) AS chars FROM audit_documents WHERE hash IN (?, ?)',
    )
      .bind(update.documents.before.sha256, update.documents.after.sha256)
      .first<{ n: number; chars: number }>();
    expect(stored!.n).toBe(2);
    expect(stored!.chars).toBeLessThan(2.01 * policyBytes);

    const full = await ok(call('GET', `/v1/tenants/big/audit/${update.seq}`));
    expect(full.body.before.rules[0].action).toBe('allow');
    expect(full.body.after.rules[0].action).toBe('drop');
    expect(full.body.after.rules).toHaveLength(RULES);
    expect(applyPatch(full.body.before, full.body.changes)).toEqual(full.body.after);

    const deleted = await ok(call('DELETE', POLICY), 204);
    expect(deleted.headers.get('omniwall-realization')).toBe('realized');
    expect((await call('GET', POLICY)).status).toBe(404);
    expect(await judge()).toMatchObject({ action: 'drop', reason: 'default' });
    const afterDelete = await ok(call('GET', '/v1/tenants/big/audit?object=policy/acl&limit=1'));
    expect(afterDelete.body.items[0]).toMatchObject({ action: 'delete', after: null, omitted: ['before'] });
    expect(afterDelete.body.items[0].documents.before.sha256).toBe(update.documents.after.sha256);
  }, 120_000);
});
