/**
 * The omniwall CLI against a real `wrangler dev`: the sample policy-as-code folder applied twice, diff and
 * plan exit codes, refusals that name the file and field, and every other command, each run as a child
 * process with its token in the environment.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Client, startDevServer, type DevServer } from '../../bench/wrangler-dev.js';
import { buildCli } from '../../scripts/build-cli.mjs';
import { cli, startCli, type CliEnv } from './run-cli.js';

const SAMPLE = path.resolve(import.meta.dirname, '../../examples/policy-as-code');
const T = 'shop';

let server: DevServer;
let api: Client;
let admin: CliEnv;
let agent: string;
let work: string;

const tenantRevision = async () =>
  (await api.ok<{ revision: number }>('read', 'GET', `/v1/tenants/${T}`, server.adminToken)).revision;
const auditCount = async () =>
  (await api.ok<{ items: unknown[] }>('read', 'GET', `/v1/tenants/${T}/audit?limit=1000`, server.adminToken))
    .items.length;

/** A copy of the sample folder with one file's text changed. */
function sampleWith(file: string, from: string, to: string): string {
  const dir = mkdtempSync(path.join(work, 'sample-'));
  cpSync(SAMPLE, dir, { recursive: true });
  const text = readFileSync(path.join(dir, file), 'utf8');
  expect(text).toContain(from);
  writeFileSync(path.join(dir, file), text.replace(from, to));
  return dir;
}

const sendSyn = (sport: number) =>
  api.ok<{ verdicts: { action: string; rule: string | null }[] }>(
    'packet',
    'POST',
    '/v1/hypervisors/hv-1/packets',
    agent,
    {
      packets: [
        {
          vnic: 'web-1-eth0',
          dir: 'out',
          src: '10.10.0.11',
          dst: '10.10.0.21',
          proto: 6,
          sport,
          dport: 5432,
          flags: 'S',
          len: 60,
        },
      ],
    },
  );

describe.sequential('omniwall CLI', () => {
  beforeAll(async () => {
    await buildCli();
    server = await startDevServer('cli');
    api = new Client(server.base);
    admin = { OMNIWALL_URL: server.base, OMNIWALL_TOKEN: server.adminToken };
    work = mkdtempSync(path.join(tmpdir(), 'omniwall-cli-'));
    for (const h of ['hv-1', 'hv-2'])
      await api.ok('setup', 'PUT', `/v1/hypervisors/${h}`, server.adminToken, { name: h });
    agent = (
      await api.ok<{ token: string }>('setup', 'POST', '/v1/tokens', server.adminToken, {
        role: 'agent',
        hypervisor: 'hv-1',
      })
    ).token;
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('--help documents the environment and the exit codes', async () => {
    const r = await cli(admin, '--help');
    expect(r.code).toBe(0);
    for (const text of [
      'OMNIWALL_URL',
      'OMNIWALL_TOKEN',
      'OMNIWALL_TENANT',
      'Exit codes',
      '--fail-on-impact',
    ])
      expect(r.stdout + (await cli(admin, 'plan', '--help')).stdout).toContain(text);
  });

  test('a schema error names the file, the document and the field, and nothing is applied', async () => {
    const dir = sampleWith('40-policies.yaml', 'action: drop', 'action: permit');
    writeFileSync(path.join(dir, '60-typo.yaml'), 'kind: Workloads\nid: x\n');
    const r = await cli(admin, 'apply', '-f', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${path.join(dir, '40-policies.yaml')} document 2 (Policy/shop): rules[2].action:`,
    );
    expect(r.stderr).toContain(`${path.join(dir, '60-typo.yaml')} document 1: kind: must be one of`);
    expect(r.stderr).toContain('nothing applied');
    const tenant = await api.call('read', 'GET', `/v1/tenants/${T}`, server.adminToken);
    expect(tenant.status).toBe(404);
  });

  test('diff of the sample against an empty service: everything to create, exit 1', async () => {
    const r = await cli(admin, 'diff', '-f', SAMPLE);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('+ Tenant/shop (tenant shop): create');
    expect(r.stdout).toContain('+ Policy/shop (tenant shop): create');
    expect(r.stdout).toMatch(/12 of 12 document\(s\) would change: 12 to create, 0 to update/);
  });

  test('apply creates the sample in reference order, with progress on stderr', async () => {
    const r = await cli(admin, 'apply', '-f', SAMPLE);
    expect(r.stderr).toContain('applying 1/12 Tenant/shop');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/applying 2\/12 Service\/postgres[\s\S]*applying 12\/12 App\/monitoring/);
    expect(r.stdout).toContain('12 of 12 document(s) changed: 12 created, 0 updated');
    const shop = await api.ok<{ rules: { id: string }[] }>(
      'read',
      'GET',
      `/v1/tenants/${T}/policies/shop`,
      server.adminToken,
    );
    expect(shop.rules.map((x) => x.id)).toEqual(['internet-to-web', 'web-to-db', 'deny-rest']);
    const app = await api.ok<{ owns: { policies: string[] } }>(
      'read',
      'GET',
      `/v1/tenants/${T}/apps/monitoring`,
      server.adminToken,
    );
    expect(app.owns.policies).toEqual(['monitoring']);
  });

  test('apply again changes nothing and says so: no revision, no audit entry', async () => {
    const revision = await tenantRevision();
    const audit = await auditCount();
    const r = await cli(admin, 'apply', '-f', SAMPLE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('nothing changed: all 12 document(s) are applied already');
    expect(r.stdout).not.toMatch(/\b(created|updated)$/m);
    expect(await tenantRevision()).toBe(revision);
    expect(await auditCount()).toBe(audit);
  });

  test('an editor token needs no OMNIWALL_TENANT: the token names its tenant', async () => {
    const editor = await api.ok<{ token: string }>('setup', 'POST', '/v1/tokens', server.adminToken, {
      role: 'editor',
      tenant: T,
    });
    const dir = mkdtempSync(path.join(work, 'editor-'));
    cpSync(path.join(SAMPLE, '40-policies.yaml'), path.join(dir, 'p.yaml'));
    const r = await cli({ OMNIWALL_URL: server.base, OMNIWALL_TOKEN: editor.token }, 'apply', '-f', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Policy\s+shop\s+operations\s+unchanged/);
  });

  test('diff: 0 when nothing would change, 1 with a change (shown line by line), above 1 on error', async () => {
    const none = await cli(admin, 'diff', '-f', SAMPLE);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('no changes: all 12 document(s) match the service');

    const dir = sampleWith('10-services.yaml', "ports: '5432'", "ports: '5432,6432'");
    const revision = await tenantRevision();
    const some = await cli(admin, 'diff', '-f', dir);
    expect(some.code, some.stderr).toBe(1);
    expect(some.stdout).toContain('~ Service/postgres (tenant shop): update');
    expect(some.stdout).toMatch(/^ {4}- {5}ports: "5432"\n {4}\+ {5}ports: 5432,6432$/m);
    expect(some.stdout).toContain('1 of 12 document(s) would change: 0 to create, 1 to update');
    expect(await tenantRevision()).toBe(revision);

    // the API's own refusal, named by file, document, kind and id
    const bad = sampleWith(
      '40-policies.yaml',
      'sources: { groups: [admins] }',
      'sources: { groups: [nobody] }',
    );
    const err = await cli(admin, 'diff', '-f', bad);
    expect(err.code).toBeGreaterThan(1);
    expect(err.stderr).toContain(`${path.join(bad, '40-policies.yaml')} document 1 (Policy/operations): 422`);
    expect(err.stderr).toContain('nobody');

    const down = await cli({ ...admin, OMNIWALL_URL: 'http://127.0.0.1:9' }, 'diff', '-f', SAMPLE);
    expect(down.code).toBeGreaterThan(1);
    expect(down.stderr).toContain('cannot reach http://127.0.0.1:9');
  });

  test('status shows every hypervisor realizing the revision', async () => {
    const revision = await tenantRevision();
    let status:
      | {
          desiredRevision: number;
          inSync: boolean;
          byHypervisor: { hypervisor: string; realizedRevision: number }[];
        }
      | undefined;
    for (let i = 0; i < 60; i++) {
      const r = await cli(admin, 'status', '-t', T, '-o', 'json');
      expect(r.code, r.stderr).toBe(0);
      status = JSON.parse(r.stdout);
      if (status!.inSync && status!.byHypervisor.every((h) => h.realizedRevision === revision)) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(status!.desiredRevision).toBe(revision);
    expect(status!.inSync).toBe(true);
    expect(status!.byHypervisor.map((h) => h.hypervisor).sort()).toEqual(['hv-1', 'hv-2']);
    const table = await cli(admin, 'status', '-t', T);
    expect(table.stdout).toContain(
      `tenant shop: desired revision ${revision}, realized ${revision}: in sync`,
    );
    expect(table.stdout).toMatch(/^hv-1\s+\d+\s+in sync/m);
  });

  test('plan shows the impact on established flows; --fail-on-impact exits 3 when it would cut them', async () => {
    for (const sport of [41000, 41001, 41002]) {
      const v = await sendSyn(sport);
      expect(v.verdicts[0]).toMatchObject({ action: 'allow', rule: 'web-to-db' });
    }
    const dir = sampleWith(
      '40-policies.yaml',
      'services: [postgres]\n    action: allow',
      'services: [postgres]\n    action: drop',
    );
    const revision = await tenantRevision();
    const plain = await cli(admin, 'plan', '-f', dir);
    expect(plain.code, plain.stderr).toBe(1);
    expect(plain.stdout).toContain(
      'impact of Policy/shop: 3 of 3 established flow(s) would no longer be allowed',
    );
    expect(plain.stdout).toMatch(
      /hv-1 web-1-eth0 proto 6 10\.10\.0\.11:41000 -> 10\.10\.0\.21:5432 .* allowed by shop\/web-to-db, now drop \(shop\/web-to-db\)/,
    );

    const gate = await cli(admin, 'plan', '--fail-on-impact', '-f', dir);
    expect(gate.code).toBe(3);
    expect(gate.stderr).toContain('--fail-on-impact: 3 established flow(s) would no longer be allowed');
    const json = JSON.parse((await cli(admin, 'plan', '-f', dir, '-o', 'json')).stdout);
    expect(json.changes).toHaveLength(1);
    expect(json.changes[0]).toMatchObject({ kind: 'Policy', id: 'shop', action: 'update' });
    expect(json.changes[0].impact.established.cut).toBe(3);

    // a change that cuts nothing passes the gate
    const harmless = sampleWith('40-policies.yaml', "ports: '22'", "ports: '22,2222'");
    const ok = await cli(admin, 'plan', '--fail-on-impact', '-f', harmless);
    expect(ok.code, ok.stderr).toBe(1);
    expect(ok.stdout).toContain('impact of Policy/operations: 0 of 3 established flow(s)');
    expect(await tenantRevision()).toBe(revision);
  });

  test('get lists a kind as a table and shows one object as JSON or YAML', async () => {
    const list = await cli(admin, 'get', 'policies', '-t', T);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+CATEGORY\s+PRIORITY\s+RULES/m);
    expect(list.stdout).toMatch(/^shop\s+application\s+100\s+3/m);
    expect(list.stdout).toMatch(/^monitoring\s+infrastructure\s+20\s+1\s+monitoring$/m);

    const one = await cli({ ...admin, OMNIWALL_TENANT: T }, 'get', 'workload', 'db-1', '-o', 'json');
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({
      id: 'db-1',
      hypervisor: 'hv-1',
      attributes: { compliance: 'pci' },
    });
    const yaml = await cli({ ...admin, OMNIWALL_TENANT: T }, 'get', 'group', 'db', '-o', 'yaml');
    expect(yaml.stdout).toContain('field: attributes.compliance');
    const missing = await cli({ ...admin, OMNIWALL_TENANT: T }, 'get', 'service', 'nope');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('Service "nope" does not exist');
    const kind = await cli({ ...admin, OMNIWALL_TENANT: T }, 'get', 'gadgets');
    expect(kind.code).toBe(2);
  });

  test('explain names each hop and the rule that decides it', async () => {
    const r = await cli(
      { ...admin, OMNIWALL_TENANT: T },
      'explain',
      '--from',
      'web-1',
      '--to',
      'db-1',
      '--port',
      '5432',
      '-o',
      'json',
    );
    expect(r.code, r.stderr).toBe(0);
    const x = JSON.parse(r.stdout);
    expect(x.verdict).toBe('allow');
    expect(x.hops.map((h: { vnic: string; direction: string }) => `${h.vnic} ${h.direction}`)).toEqual([
      'web-1-eth0 out',
      'db-1-eth0 in',
    ]);
    const denied = await cli(
      { ...admin, OMNIWALL_TENANT: T },
      'explain',
      '--from',
      'ip:10.10.0.12',
      '--to',
      '10.10.0.21',
      '--port',
      '22',
    );
    expect(denied.code, denied.stderr).toBe(0);
    expect(denied.stdout).toContain('verdict: drop');
    expect(denied.stdout).toMatch(/hop hv-1 db-1-eth0 in: drop by shop\/deny-rest/);
    expect(denied.stdout).toMatch(/shop\/web-to-db: no-match on services/);
  });

  test('analyze lists findings at the current revision', async () => {
    const revision = await tenantRevision();
    const r = await cli({ ...admin, OMNIWALL_TENANT: T }, 'analyze', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.revision).toBe(revision);
    expect(a.findings.length).toBeGreaterThan(0);
    const table = await cli({ ...admin, OMNIWALL_TENANT: T }, 'analyze');
    expect(table.stdout).toMatch(/^KIND\s+RULE\s+MESSAGE/m);
    expect(table.stdout).toContain(`${a.findings.length} finding(s) at revision ${revision}`);
  });

  test('audit shows the newest entries first', async () => {
    const r = await cli({ ...admin, OMNIWALL_TENANT: T }, 'audit', '--limit', '3', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const { items } = JSON.parse(r.stdout) as {
      items: { seq: number; object: { kind: string; id: string } }[];
    };
    expect(items).toHaveLength(3);
    expect(items[0]!.seq).toBeGreaterThan(items[2]!.seq);
    const table = await cli({ ...admin, OMNIWALL_TENANT: T }, 'audit', '--object', 'policy/shop');
    expect(table.stdout).toMatch(/^SEQ\s+AT\s+REVISION\s+ACTOR\s+ACTION\s+OBJECT/m);
    expect(table.stdout).toMatch(/create\s+policy\/shop/);
  });

  test('flowlogs --follow prints entries logged after it started, until interrupted', async () => {
    const run = startCli({ ...admin, OMNIWALL_TENANT: T }, [
      'flowlogs',
      '--follow',
      '--interval',
      '0.3',
      '-o',
      'json',
    ]);
    const lines = () =>
      run.out.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { sport: number });
    await expect.poll(() => lines().some((e) => e.sport === 41000), { timeout: 20_000 }).toBe(true);
    await sendSyn(42424);
    await expect.poll(() => lines().filter((e) => e.sport === 42424).length, { timeout: 20_000 }).toBe(1);
    run.child.kill('SIGINT');
    const done = await run.done;
    expect(done.code, done.stderr).toBe(0);
    expect(lines().filter((e) => e.sport === 41000)).toHaveLength(1);
  });

  test('a webhook source applies idempotently, its secret compared by fingerprint', async () => {
    const file = path.join(work, 'webhook.yaml');
    const secret = `whsec_${Buffer.from('a test secret of 24 byte').toString('base64')}`;
    writeFileSync(file, `kind: WebhookSource\nid: events\ntenant: ${T}\nsecrets: ['${secret}']\n`);
    const first = await cli(admin, 'apply', '-f', file);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/WebhookSource\s+shop\s+events\s+created/);
    const audit = await auditCount();
    const again = await cli(admin, 'diff', '-f', file);
    expect(again.code, again.stdout).toBe(0);
    expect((await cli(admin, 'apply', '-f', file)).stdout).toContain('nothing changed');
    expect(await auditCount()).toBe(audit);
    expect(readFileSync(file, 'utf8')).toContain(secret);
  });

  test('delete removes one object; an app with everything it owns', async () => {
    const env = { ...admin, OMNIWALL_TENANT: T };
    const dry = await cli(env, 'delete', 'app', 'monitoring', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('App/monitoring would be deleted (dry run)');
    const r = await cli(env, 'delete', 'app', 'monitoring');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('App/monitoring deleted');
    expect(
      (await api.call('read', 'GET', `/v1/tenants/${T}/policies/monitoring`, server.adminToken)).status,
    ).toBe(404);
    const inUse = await cli(env, 'delete', 'group', 'web');
    expect(inUse.code).toBe(4);
    expect(inUse.stderr).toMatch(/^omniwall: 409 /m);
    const back = await cli(admin, 'diff', '-f', SAMPLE);
    expect(back.code).toBe(1);
    expect(back.stdout).toContain('+ App/monitoring (tenant shop): create');
  });
});
