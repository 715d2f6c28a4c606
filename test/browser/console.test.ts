/**
 * The auditor's console in a real browser: the service under `wrangler dev`, Debian's chromium sealed to
 * loopback, one page signed in as a tenant's auditor going through every view as a person would.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OUT_DIR, startDevServer, type DevServer } from '../../bench/wrangler-dev.js';
import { launchChromium, type Browser } from './chromium.js';
import { BIG, BIG_RULES, setUp, T, type Scenario } from './scenario.js';

const SHOTS = path.join(OUT_DIR, 'console');
const LIVE_MS = 5000;

let server: DevServer;
let browser: Browser;
let page: Page;
let s: Scenario;
const requests: { url: string; method: string }[] = [];
const statsAnswers: number[] = [];

async function view(name: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await expect
    .poll(() => page.locator('main h2').first().textContent())
    .toContain(name === 'Hypervisors' ? 'Hypervisors' : name === 'Webhooks' ? 'Webhook' : name);
}

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const text = (selector: string) => page.locator(selector).innerText();

describe.sequential('console', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startDevServer('console');
    s = await setUp(server.base, server.adminToken);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('request', (r: Request) => requests.push({ url: r.url(), method: r.method() }));
    page.on('response', (r) => {
      if (r.url().endsWith('/stats')) statsAnswers.push(r.status());
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('/ leads to the console, which asks for a token and keeps it out of the URL and localStorage', async () => {
    await page.goto(`${server.base}/`);
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.getByLabel('API token').fill('ow.not.valid');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('does not know this token');

    await page.getByLabel('API token').fill(s.auditor);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').waitFor();
    expect(await text('body')).not.toContain('Loading the console');
    expect(page.url()).not.toContain(s.auditor);
    expect(page.url()).not.toContain(s.auditor.split('.')[2]!);
    // code run in the page is given as text: this file is typed for Node, not the DOM
    const stored = await page.evaluate<{ session: string | null; local: string; cookie: string }>(
      `({ session: sessionStorage.getItem('omniwall.token'), local: JSON.stringify({ ...localStorage }), cookie: document.cookie })`,
    );
    expect(stored.session).toBe(s.auditor);
    expect(stored.local).not.toContain(s.auditor.split('.')[2]!);
    expect(stored.cookie).toBe('');
    // the tenant picker lists only what this auditor may read
    expect(await page.locator('header select option').allTextContents()).toEqual(['Acme Corp (acme)']);
    // a marker that a reload would wipe: every later check runs in this same document
    await page.evaluate('window.marker = 42');
  });

  test('overview shows the revision, realization and counts', async () => {
    const tenant = await s.api.ok<{ revision: number }>('read', 'GET', `/v1/tenants/${T}`, s.admin);
    await expect.poll(() => text('[data-testid=revision]')).toBe(String(tenant.revision));
    await expect.poll(() => text('main'), { timeout: 30_000 }).toContain('in sync');
    const main = await text('main');
    expect(main).toMatch(/policies\s+2/);
    expect(main).toMatch(/rules\s+4/);
    expect(main).toMatch(/workloads\s+4/);
    expect(main).toMatch(/groups\s+2/);
  });

  test('hypervisors show desired vs realized revision per tenant', async () => {
    await view('Hypervisors');
    const row = page.locator('[data-testid=realization] tr', { hasText: 'hv-1' });
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/in sync/);
    const tenant = await s.api.ok<{ revision: number }>('read', 'GET', `/v1/tenants/${T}`, s.admin);
    expect(await row.innerText()).toContain(`${T}\t${tenant.revision}\t${tenant.revision}`);
    await shot('hypervisors');
  });

  test('policies are in evaluation order, with resolved sources and destinations', async () => {
    await view('Policies');
    await expect.poll(() => page.locator('.policy-list li').count()).toBe(2);
    const list = await page.locator('.policy-list li').allInnerTexts();
    expect(list[0]).toContain('Quarantine');
    expect(list[0]).toContain('emergency');
    expect(list[1]).toContain('Web app');
    await page.getByRole('link', { name: /Web app/ }).click();
    const rows = page.locator('[data-testid=rules] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(
      /^1\s+web-to-db.*group web.*group db.*postgres, tcp\/6432.*allow/s,
    );
    expect(await rows.nth(1).innerText()).toMatch(/^2\s+deny-rest.*any.*any.*drop/s);
    await page.getByRole('button', { name: 'web-to-db' }).click();
    const detail = page.locator('.rule-detail');
    await expect.poll(() => detail.innerText()).toMatch(/Sources resolved[\s\S]*web-1[\s\S]*10\.0\.0\.10/);
    await expect
      .poll(() => detail.innerText())
      .toMatch(/Destinations resolved[\s\S]*db-1[\s\S]*10\.0\.0\.20/);
  });

  test('a packet sent through the API shows up in the open console within 5 s, without a reload', async () => {
    const hits = page.locator('[data-rule=web-to-db] [data-stat=hits]');
    await expect.poll(() => hits.textContent()).not.toBe('—');
    // polling is conditional: while nothing moves, the counters come back as 304 Not Modified
    await expect.poll(() => statsAnswers.includes(304)).toBe(true);
    const before = Number((await hits.textContent())!.replaceAll(',', ''));
    await s.sendPacket(40001);
    const sent = Date.now();
    await expect.poll(() => hits.textContent(), { timeout: LIVE_MS, interval: 100 }).toBe(String(before + 1));
    const counterMs = Date.now() - sent;
    await shot('policies');

    await view('Flow log');
    await expect.poll(() => page.locator('[data-testid=flowlog] tbody tr').count()).toBeGreaterThan(0);
    const lines = page.locator('[data-testid=flowlog] tbody tr', { hasText: ':40002' });
    expect(await lines.count()).toBe(0);
    await s.sendPacket(40002);
    const sent2 = Date.now();
    await expect.poll(() => lines.count(), { timeout: LIVE_MS, interval: 100 }).toBe(1);
    const lineMs = Date.now() - sent2;
    expect(await lines.innerText()).toMatch(
      /hv-1\s+web-1.*out\s+10\.0\.0\.10:40002\s+10\.0\.0\.20:5432\s+tcp\s+allow.*web-app\/web-to-db/s,
    );
    expect(await page.evaluate('window.marker')).toBe(42);
    console.log(`live update: counter ${counterMs} ms, flow-log line ${lineMs} ms after the packet`);
  });

  test('the flow log filters by action', async () => {
    await page.locator('select[name=action]').selectOption('drop');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => text('main')).toContain('No logged verdicts yet');
    await page.locator('select[name=action]').selectOption('allow');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('[data-testid=flowlog] tbody tr').count()).toBe(2);
  });

  test('groups show resolved members and why each is in', async () => {
    await view('Groups');
    await page.getByRole('link', { name: /Web tier/ }).click();
    await expect
      .poll(() => text('[data-testid=members]'))
      .toMatch(/web-1\s+criteria match: tag equals "tier=web"/);
    await page.getByRole('link', { name: /Databases/ }).click();
    await expect.poll(() => text('[data-testid=members]')).toMatch(/db-1\s+listed as a workload member/);
  });

  test('workloads show vNICs, addresses and hypervisor', async () => {
    await view('Workloads');
    const row = page.locator('[data-testid=workloads] tr', { hasText: 'web-1' });
    await expect
      .poll(() => row.innerText())
      .toMatch(/web-1.*hv-1.*web-1-eth0: 10\.0\.0\.10.*linux.*tier=web/s);
    // moved by the migration, created by the webhook
    expect(await text('[data-testid=workloads]')).toMatch(/batch-1[^\n]*hv-2/);
    expect(await text('[data-testid=workloads]')).toMatch(/cache-1[^\n]*hv-2/);
  });

  test('the audit log shows a change as a before/after diff', async () => {
    await view('Audit log');
    const update = page
      .locator('[data-testid=audit] tr', { hasText: 'web-app' })
      .filter({ hasText: 'update' });
    await update.getByRole('button').click();
    const diff = page.locator('[data-testid=diff]');
    await expect.poll(() => diff.innerText()).toMatch(/−\s*\/rules\/0\/services\s+\[ "postgres" \]/);
    expect(await diff.innerText()).toMatch(
      /\+\s*\/rules\/0\/services\s+\[ "postgres", \{ "proto": "tcp", "ports": "6432" \} \]/,
    );
    expect(await diff.locator('.add').count()).toBeGreaterThan(0);
    await shot('audit');
  });

  test('migrations and webhook deliveries are listed', async () => {
    await view('Migrations');
    await expect
      .poll(() => text('[data-testid=migrations]'), { timeout: 30_000 })
      .toMatch(/move-batch\s+batch-1\s+hv-1\s+hv-2\s+done/);
    await view('Webhooks');
    const events = page.locator('.webhook[data-kind=events]');
    await expect.poll(() => events.innerText()).toMatch(/workload\.upserted[\s\S]*applied/);
    expect(await page.locator('.webhook[data-kind=netbox]').innerText()).toContain('not configured');
  });

  test('analysis shows the planted shadowed rule, its cover, a sample packet and a fix, linked to the rule', async () => {
    await view('Analysis');
    const row = page.locator('[data-testid=findings-shadowed] tr', { hasText: 'allow-bad-host' });
    await expect
      .poll(() => row.innerText())
      .toMatch(
        /quarantine\/allow-bad-host\s+quarantine\/block-bad-net\s+sample 192\.0\.2\.7 → .*remove quarantine\/allow-bad-host/s,
      );
    // the clean rule that covers it is not reported shadowed
    expect(
      await page
        .locator('[data-testid=findings-shadowed] tr[data-finding="quarantine/block-bad-net"]')
        .count(),
    ).toBe(0);
    await shot('analysis');

    const saved = page.waitForEvent('download');
    await page.getByRole('button', { name: 'CSV' }).click();
    const csv = readFileSync((await (await saved).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'kind,policy,rule,exact,covering,covering_count,packet,scope,fix,message',
    );
    expect(csv).toMatch(/^shadowed,quarantine,allow-bad-host,true,quarantine\/block-bad-net,1,/m);
    expect(requests.some((r) => r.url.endsWith(`/v1/tenants/${T}/analysis?format=csv`))).toBe(true);

    await row.getByRole('link', { name: 'quarantine/allow-bad-host' }).first().click();
    await expect.poll(() => page.locator('main h2').first().textContent()).toContain('Policies');
    const focused = page.locator('[data-testid=rules] tr.focus');
    await expect.poll(() => focused.innerText()).toMatch(/^2\s+allow-bad-host\s+192\.0\.2\.7\/32.*allow/s);
    expect(await page.locator('.policy-list li.selected').innerText()).toContain('Quarantine');
    await expect.poll(() => text('.rule-detail')).toContain('Sources resolved');
  });

  test("explain shows each hop's decision and the rules evaluated before it", async () => {
    await view('Explain');
    await page.locator('select[name=src]').selectOption('workload:web-1');
    await page.locator('select[name=dst]').selectOption('workload:db-1');
    await page.getByLabel('destination port').fill('5432');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    const hops = page.locator('[data-testid=hop]');
    await expect.poll(() => hops.count()).toBe(2);
    expect(await text('[data-testid=verdict]')).toBe('allow');
    const out = await hops.nth(0).innerText();
    expect(out).toMatch(/hop 1: hv-1 · web-1-eth0 \(web-1\) · out\s+in sync/);
    expect(out).toMatch(/decision\s+allow\s+by web-app\/web-to-db/);
    // the emergency rules come first and miss on the source address
    expect(out).toMatch(/quarantine\/block-bad-net\s+drop\s+no-match\s+source/);
    expect(await hops.nth(1).innerText()).toMatch(
      /hop 2: hv-1 · db-1-eth0 \(db-1\) · in[\s\S]*decision\s+allow\s+by web-app\/web-to-db/,
    );

    await page.getByLabel('destination port').fill('22');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await expect.poll(() => text('[data-testid=verdict]')).toBe('drop');
    const denied = await hops.nth(0).innerText();
    expect(denied).toMatch(/decision\s+drop\s+by web-app\/deny-rest/);
    expect(denied).toMatch(/web-app\/web-to-db\s+allow\s+no-match\s+services/);
    await shot('explain');

    // a workload outside the rule's dynamic group: which criteria it fails
    await page.locator('select[name=src]').selectOption('workload:batch-1');
    await page.getByLabel('destination port').fill('5432');
    await page.getByRole('button', { name: 'Explain', exact: true }).click();
    await expect.poll(() => hops.first().innerText()).toMatch(/hop 1: hv-2 · batch-1-eth0 \(batch-1\) · out/);
    const miss = await hops
      .first()
      .locator('[data-testid=evaluated] tr', { hasText: 'web-to-db' })
      .innerText();
    expect(miss).toMatch(/no-match\s+source[\s\S]*group web: [\s\S]*tag equals "tier=web"/);
  });

  test("an editor's dry run shows the verdicts a change would flip, and changes nothing", async () => {
    const before = await s.api.ok<{ revision: number }>('read', 'GET', `/v1/tenants/${T}`, s.admin);
    const editor = await browser.context.newPage();
    const sent: { url: string; method: string }[] = [];
    editor.on('request', (r: Request) => sent.push({ url: r.url(), method: r.method() }));
    await editor.goto(`${server.base}/console`);
    await editor.getByLabel('API token').fill(s.editor);
    await editor.getByRole('button', { name: 'Sign in' }).click();
    await editor.getByRole('navigation').getByRole('link', { name: 'Dry run', exact: true }).click();
    await editor.getByLabel('id', { exact: true }).fill('web-app');
    await editor.getByRole('button', { name: 'Load current' }).click();
    await expect
      .poll(() => editor.getByLabel('object as JSON').inputValue())
      .toMatch(/"id": "web-app"[\s\S]*"id": "web-to-db"/);
    // the policy as loaded goes back unchanged
    await editor.getByRole('button', { name: 'Dry run', exact: true }).click();
    await expect
      .poll(() => editor.locator('[data-testid=impact]').innerText(), { timeout: 30_000 })
      .toMatch(/^unchanged\s+nothing changed[\s\S]*0 of \d+ would be cut/);
    // web-to-db removed: the logged allows of web-1 → db-1 would now be dropped by deny-rest
    const policy = {
      name: 'Web app',
      category: 'application',
      priority: 10,
      rules: [{ id: 'deny-rest', action: 'drop', log: true }],
    };
    await editor.getByLabel('object as JSON').fill(JSON.stringify(policy));
    await editor.getByRole('button', { name: 'Dry run', exact: true }).click();
    const impact = editor.locator('[data-testid=impact]');
    await expect.poll(() => impact.innerText(), { timeout: 30_000 }).toMatch(/^update\s+nothing changed/);
    expect(await editor.locator('[data-testid=flowlog-impact]').innerText()).toMatch(
      /of the last \d+ logged verdicts, 2 newly denied, 0 newly allowed/,
    );
    const flipped = await editor.locator('[data-testid=flowlog-sample] tbody tr').allInnerTexts();
    expect(flipped).toHaveLength(2);
    for (const row of flipped)
      expect(row).toMatch(
        /hv-1\s+web-1-eth0 out\s+10\.0\.0\.10:4000[12] → 10\.0\.0\.20:5432 tcp\s+allow web-app\/web-to-db\s+drop web-app\/deny-rest/,
      );
    // the two SYNs web-1 sent are tracked on hv-1; the candidate would cut both
    expect(await editor.locator('[data-testid=cut]').innerText()).toMatch(/^2 of 2 would be cut/);
    const cut = await editor.locator('[data-testid=cut-sample] tbody tr').allInnerTexts();
    expect(cut).toHaveLength(2);
    for (const row of cut)
      expect(row).toMatch(
        /hv-1\s+web-1-eth0 out\s+10\.0\.0\.10:4000[12] → 10\.0\.0\.20:5432 tcp\s+SYN_SENT\s+web-app\/web-to-db\s+drop web-app\/deny-rest/,
      );
    await editor.screenshot({ path: path.join(SHOTS, 'dry-run.png'), fullPage: true });
    // the console sent the change only as a dry run, and the tenant did not move
    const writes = sent.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(writes.map((r) => `${r.method} ${new URL(r.url).pathname}${new URL(r.url).search}`)).toEqual([
      `PUT /v1/tenants/${T}/policies/web-app?dryRun=true`,
      `PUT /v1/tenants/${T}/policies/web-app?dryRun=true`,
    ]);
    const after = await s.api.ok<{ revision: number }>('read', 'GET', `/v1/tenants/${T}`, s.admin);
    expect(after.revision).toBe(before.revision);
    await editor.close();
  });

  test('an auditor sees no write controls and the console only reads', async () => {
    const allowed = /^(Sign out|Filter|‹ previous|next ›|Load older|CSV|JSON|Sign in|Explain)$/;
    for (const v of ['Overview', 'Policies', 'Groups', 'Audit log', 'Webhooks', 'Analysis', 'Explain']) {
      await view(v);
      const buttons = await page.locator('main button:not(.link), header button').allTextContents();
      for (const b of buttons) expect(b.trim()).toMatch(allowed);
    }
    // explain is a POST that only asks (SPEC §12, allowed for auditors); nothing else but GETs
    const asks = requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(asks.length).toBeGreaterThan(0);
    for (const r of asks)
      expect(`${r.method} ${new URL(r.url).pathname}`).toBe(`POST /v1/tenants/${T}/explain`);
  });

  test('a 10,000-rule policy pages its rules', async () => {
    const other = await browser.context.newPage();
    other.on('request', (r: Request) => requests.push({ url: r.url(), method: r.method() }));
    await other.goto(`${server.base}/console`);
    await other.getByLabel('API token').fill(s.globalAuditor);
    await other.getByRole('button', { name: 'Sign in' }).click();
    const started = Date.now();
    await other.goto(`${server.base}/console#/${BIG}/policies/huge`);
    const rows = other.locator('[data-testid=rules] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(100);
    const firstVisibleMs = Date.now() - started;
    expect(await other.locator('.pager').innerText()).toContain(`page 1 of ${BIG_RULES / 100}`);
    await other.getByRole('button', { name: 'next ›' }).click();
    expect(await rows.first().innerText()).toMatch(/^101\s+r00100/);
    await other.getByLabel('Find rule').fill('r09999');
    await expect.poll(() => rows.count()).toBe(1);
    console.log(`10,000-rule policy: first rules visible ${firstVisibleMs} ms after opening it`);
    await other.close();
  });

  test('the page requested nothing outside the service', () => {
    const outside = requests.filter(
      (r) => !r.url.startsWith(`${server.base}/`) && !r.url.startsWith('blob:'),
    );
    expect(outside).toEqual([]);
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.every((r) => !r.url.includes(s.auditor.split('.')[2]!))).toBe(true);
  });
});
