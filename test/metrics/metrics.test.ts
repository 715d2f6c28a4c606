import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, tenantWithEditor } from '../api/fixtures.js';
import { postStandard } from '../inventory/netbox-client.js';
import { send, webDbScenario, type Packet } from '../hypervisor/scenario.js';
import { exposition } from '../../src/metrics/exposition.js';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseExposition, valueOf } from './exposition-parser.js';

const EVENTS_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function scrape(token?: string) {
  const r = await call('GET', '/metrics', { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(r.body as string);
}

const syn = (sport: number, dport = 5432): Packet => ({
  vnic: 'web-1-eth0',
  dir: 'out',
  src: '10.0.1.5',
  dst: '10.0.2.7',
  proto: 6,
  sport,
  dport,
  flags: 'S',
  len: 60,
});

const packets = (m: ReturnType<typeof parseExposition>, labels: Record<string, string>) =>
  valueOf(m, 'omniwall_packets_total', labels);

describe('GET /metrics', () => {
  it('is a valid exposition with HELP and TYPE for every family, counters ending in _total', async () => {
    const m = await scrape();
    for (const name of [
      'omniwall_packets_total',
      'omniwall_flows_tracked',
      'omniwall_rule_sets',
      'omniwall_realization_lag_revisions',
      'omniwall_api_requests_total',
      'omniwall_webhook_deliveries_total',
      'omniwall_migrations',
    ])
      expect(m.has(name), name).toBe(true);
    for (const [name, f] of m) {
      expect(f.help.length, name).toBeGreaterThan(0);
      if (f.type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
    }
    expect(m.get('omniwall_migrations')!.samples.map((s) => s.labels.state)).toEqual(
      expect.arrayContaining(['pending', 'running', 'done', 'failed']),
    );
  });

  it('escapes label values and help text so any value reads back as written', () => {
    const odd = 'a "quoted" \\ back\nslash, {braces}';
    const text = exposition([
      {
        name: 'x_total',
        help: 'two\nlines \\',
        type: 'counter',
        samples: [{ labels: { v: odd }, value: 3 }],
      },
    ]);
    expect(text.split('\n')).toHaveLength(4);
    const parsed = parseExposition(text).get('x_total')!;
    expect(parsed.samples).toEqual([{ labels: { v: odd }, value: 3 }]);
    expect(() => exposition([{ name: 'x', help: 'h', type: 'counter', samples: [] }])).toThrow(/_total/);
  });

  it('counts packets per tenant, hypervisor, action and reason', async () => {
    const { hvA, agentA } = await webDbScenario(
      'mx1',
      {
        rules: [
          {
            id: 'web-out',
            sources: { groups: ['web'] },
            services: [{ proto: 'tcp', ports: '5432' }],
            direction: 'out',
            action: 'allow',
          },
        ],
      },
      { spoofGuard: true },
    );
    const before = await scrape();
    const verdicts = await send(hvA, agentA, [
      syn(40001),
      syn(40002),
      syn(40003, 22),
      { ...syn(40004), src: '10.9.9.9' },
      { ...syn(40005), vnic: 'no-such-vnic' },
    ]);
    expect(verdicts.map((v) => `${v.action}/${v.reason}`)).toEqual([
      'allow/new',
      'allow/new',
      'drop/default',
      'drop/spoof',
      'drop/unknown-vnic',
    ]);
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      packets(after, { hypervisor: hvA, ...labels }) - packets(before, { hypervisor: hvA, ...labels });
    expect(delta({ tenant: 'mx1', action: 'allow', reason: 'new' })).toBe(2);
    expect(delta({ tenant: 'mx1', action: 'drop', reason: 'default' })).toBe(1);
    expect(delta({ tenant: 'mx1', action: 'drop', reason: 'spoof' })).toBe(1);
    expect(delta({ tenant: '', action: 'drop', reason: 'unknown-vnic' })).toBe(1);
    expect(
      valueOf(after, 'omniwall_packet_bytes_total', { hypervisor: hvA, tenant: 'mx1', action: 'allow' }) -
        valueOf(before, 'omniwall_packet_bytes_total', { hypervisor: hvA, tenant: 'mx1', action: 'allow' }),
    ).toBe(120);
    expect(valueOf(after, 'omniwall_flows_tracked', { hypervisor: hvA })).toBe(2);
    expect(valueOf(after, 'omniwall_rule_sets', { hypervisor: hvA })).toBe(1);
    expect(valueOf(after, 'omniwall_realization_lag_revisions', { hypervisor: hvA, tenant: 'mx1' })).toBe(0);
    // no label takes a per-flow value: ports and addresses never appear
    const text = (await call('GET', '/metrics')).body as string;
    expect(text).not.toContain('10.0.1.5');
    expect(text).not.toContain('40001');
  });

  it('reads with the npm Prometheus text-format parser, omniwall_packets_total growing with traffic', async () => {
    const { hvA, agentA } = await webDbScenario('mx-npm');
    const total = async () => {
      const text = (await call('GET', '/metrics')).body as string;
      const families = parsePrometheusTextFormat(text);
      const packetsFamily = families.find((f) => f.name === 'omniwall_packets_total');
      expect(packetsFamily?.type).toBe('COUNTER');
      for (const f of families) expect(f.help, f.name).not.toBe('');
      return packetsFamily!.metrics
        .filter(
          (m) => m.labels?.tenant === 'mx-npm' && m.labels.hypervisor === hvA && m.labels.action === 'drop',
        )
        .reduce((sum, m) => sum + Number(m.value), 0);
    };
    const before = await total();
    await send(hvA, agentA, [syn(42001, 22), syn(42002, 22)]);
    expect((await total()) - before).toBe(2);
  });

  it('keeps packet counters across a restart of the hypervisor object', async () => {
    const { hvA, agentA } = await webDbScenario('mx2');
    await send(hvA, agentA, [syn(41001, 22), syn(41002, 22), syn(41003, 22)]);
    const before = packets(await scrape(), { hypervisor: hvA, tenant: 'mx2', action: 'drop' });
    expect(before).toBe(3);
    const stub = () => env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hvA));
    const instance = await runInDurableObject(stub(), (i) => i);
    await stub()
      .restart()
      .catch(() => undefined);
    expect(await runInDurableObject(stub(), (i) => i)).not.toBe(instance);
    expect(packets(await scrape(), { hypervisor: hvA, tenant: 'mx2', action: 'drop' })).toBe(3);
    await send(hvA, agentA, [syn(41004, 22)]);
    expect(packets(await scrape(), { hypervisor: hvA, tenant: 'mx2', action: 'drop' })).toBe(4);
  });

  it('counts API requests by route pattern and status, not by raw path', async () => {
    await createTenant('mx3');
    const route = { method: 'GET', route: '/v1/tenants/:t/workloads/:id' };
    const before = await scrape();
    for (const id of ['a1', 'a2', 'a3'])
      expect((await call('GET', `/v1/tenants/mx3/workloads/${id}`)).status).toBe(404);
    await call('GET', '/v1/no/such/thing');
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      valueOf(after, 'omniwall_api_requests_total', labels) -
      valueOf(before, 'omniwall_api_requests_total', labels);
    expect(delta({ ...route, status: '404' })).toBe(3);
    expect(delta({ route: 'unmatched', status: '404' })).toBe(1);
    const routes = after.get('omniwall_api_requests_total')!.samples.map((s) => s.labels.route);
    expect(routes.some((r) => r!.includes('a1'))).toBe(false);
  });

  it('counts webhook deliveries by outcome', async () => {
    const { editor } = await tenantWithEditor('mx4');
    await ok(
      call('PUT', '/v1/tenants/mx4/webhooks/events', { token: editor, body: { secrets: [EVENTS_SECRET] } }),
      201,
    );
    const upsert = JSON.stringify({
      type: 'workload.upserted',
      data: { id: 'web-1', hypervisor: 'hv-1', vnics: [{ id: 'web-1-eth0', ips: ['10.0.0.1'] }] },
    });
    const labels = (outcome: string) => ({ tenant: 'mx4', source: 'events', outcome });
    const before = await scrape();
    expect(valueOf(before, 'omniwall_webhook_deliveries_total', labels('applied'))).toBe(0);
    await postStandard('mx4', 'events', upsert, EVENTS_SECRET, { id: 'msg_1' });
    await postStandard('mx4', 'events', upsert, EVENTS_SECRET, { id: 'msg_1' });
    const after = await scrape();
    expect(valueOf(after, 'omniwall_webhook_deliveries_total', labels('applied'))).toBe(1);
    expect(valueOf(after, 'omniwall_webhook_deliveries_total', labels('duplicate'))).toBe(1);
  });

  it('answers admins and auditors of all tenants only', async () => {
    await createTenant('mx5');
    await hypervisor('mx5-hv');
    const globalAuditor = await issueToken('auditor');
    await scrape(globalAuditor);
    for (const token of [
      await issueToken('editor', { tenant: 'mx5' }),
      await issueToken('agent', { hypervisor: 'mx5-hv' }),
      await issueToken('auditor', { tenant: 'mx5' }),
      await issueToken('inventory', { tenant: 'mx5' }),
    ]) {
      const r = await call('GET', '/metrics', { token });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    expect((await call('GET', '/metrics', { token: null })).status).toBe(401);
    expect((await call('GET', '/metrics', { token: 'wrong' })).status).toBe(401);
  });
});
