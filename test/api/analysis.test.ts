import { describe, expect, it } from 'vitest';
import { call, issueToken, ok } from './client.js';
import { sendOne, webDbScenario } from '../hypervisor/scenario.js';

const WEB_TO_DB = {
  id: 'web-to-db',
  sources: { groups: ['web'] },
  destinations: { groups: ['db'] },
  services: [{ proto: 'tcp', ports: '5432' }],
  action: 'allow',
};

async function scenario(t: string) {
  const s = await webDbScenario(t);
  await ok(
    call('PUT', `/v1/tenants/${t}/policies/app`, {
      token: s.editor,
      body: {
        category: 'application',
        priority: 10,
        rules: [
          WEB_TO_DB,
          { id: 'no-ssh', destinations: { groups: ['db'] }, services: ['ssh'], action: 'drop' },
          {
            id: 'ssh-admin',
            sources: { cidrs: ['10.0.1.0/24'] },
            destinations: { groups: ['db'] },
            services: ['ssh'],
            action: 'allow',
          },
        ],
      },
    }),
  );
  return s;
}

describe('GET /v1/tenants/{t}/analysis', () => {
  it('reports shadowed rules with evidence, and unused ones against the counters after traffic', async () => {
    const t = 'an-1';
    const { editor, hvA, hvB, agentA, agentB } = await scenario(t);
    const syn = { src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 40000, dport: 5432, flags: 'S' };
    expect((await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'out', ...syn })).rule).toBe('web-to-db');
    expect((await sendOne(hvB, agentB, { vnic: 'db-1-eth0', dir: 'in', ...syn })).rule).toBe('web-to-db');

    const res = await ok(call('GET', `/v1/tenants/${t}/analysis`, { token: editor }));
    expect(res.body).toMatchObject({ tenant: t, revision: expect.any(Number), boxCap: expect.any(Number) });
    const findings = res.body.findings as { kind: string; rule: { rule: string }; [k: string]: unknown }[];
    expect(findings.map((f) => `${f.kind} ${f.rule.rule}`)).toEqual(['unused no-ssh', 'shadowed ssh-admin']);
    expect(findings[1]).toMatchObject({
      covering: [{ policy: 'app', rule: 'no-ssh' }],
      exact: true,
      evidence: { packet: { family: 4, src: '10.0.1.0', dst: '10.0.2.7', proto: 6, dport: 22 } },
      fix: { op: 'remove', rule: { policy: 'app', rule: 'ssh-admin' } },
    });
    const unused = findings[0]! as unknown as { evidence: Record<string, unknown> };
    expect(unused.evidence).toMatchObject({ hits: 0, lastHit: null, policyCreatedAt: expect.any(String) });
    expect(Date.parse(unused.evidence.countersSince as string)).toBeLessThanOrEqual(Date.now());
  });

  it('lets auditors read it, refuses agents and strangers, and exports CSV', async () => {
    const t = 'an-2';
    const { agentA } = await scenario(t);
    const auditor = await issueToken('auditor', { tenant: t });
    const json = await ok(call('GET', `/v1/tenants/${t}/analysis`, { token: auditor }));
    expect(json.body.findings.length).toBeGreaterThan(0);
    // an agent sees no tenant at all; an inventory token only delivers inventory
    expect((await call('GET', `/v1/tenants/${t}/analysis`, { token: agentA })).status).toBe(404);
    const inventory = await issueToken('inventory', { tenant: t });
    expect((await call('GET', `/v1/tenants/${t}/analysis`, { token: inventory })).status).toBe(403);
    expect((await call('GET', `/v1/tenants/${t}/analysis`, { token: null })).status).toBe(401);
    const other = await issueToken('auditor', { tenant: 'an-1' });
    expect((await call('GET', `/v1/tenants/${t}/analysis`, { token: other })).status).toBe(404);
    expect((await call('GET', `/v1/tenants/${t}/analysis?format=xml`, { token: auditor })).status).toBe(400);

    const csv = await ok(call('GET', `/v1/tenants/${t}/analysis?format=csv`, { token: auditor }));
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (csv.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('kind,policy,rule,exact,covering,covering_count,packet,scope,fix,message');
    expect(lines).toHaveLength(json.body.findings.length + 1);
    expect(lines.some((l) => l.startsWith('shadowed,app,ssh-admin,true,app/no-ssh,1,'))).toBe(true);
  });
});
