/**
 * The auditor's console in Debian's chromium (the test/browser setup) against `wrangler dev`: how long until
 * the first rules of a 10,000-rule policy are on screen (baseline: the same policy list read by a plain API
 * client), and how long from a packet sent through the API until the open console shows the new counter
 * value and the new flow-log line, without a reload (median and p95 over SAMPLES packets each).
 * Run: npx tsx bench/console.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { launchChromium } from '../test/browser/chromium.js';
import { BIG, setUp, T } from '../test/browser/scenario.js';
import { printFigures } from './timing.js';
import { isMain, sleep, startDevServer, type DevServer } from './wrangler-dev.js';

const SAMPLES = 20;
export const TARGET_LIVE_MS = 5000;

const HITS = '[data-rule=web-to-db] [data-stat=hits]';
/** Run in the page (a function, not text: the console's CSP forbids eval); this file is typed for Node. */
type Doc = { document: { querySelector(s: string): { textContent: string | null } | null } };
const textIsNot = ({ selector, text }: { selector: string; text: string }) =>
  (globalThis as unknown as Doc).document.querySelector(selector)?.textContent !== text;
const textHas = ({ selector, text }: { selector: string; text: string }) =>
  (globalThis as unknown as Doc).document.querySelector(selector)?.textContent?.includes(text) ?? false;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function run(shared?: DevServer): Promise<Record<string, number>> {
  const server = shared ?? (await startDevServer('console'));
  const browser = await launchChromium();
  try {
    const s = await setUp(server.base, server.adminToken);
    const page = await browser.context.newPage();
    await page.goto(`${server.base}/console`);
    await page.getByLabel('API token').fill(s.globalAuditor);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').waitFor();

    let t0 = performance.now();
    await page.goto(`${server.base}/console#/${BIG}/policies/huge`);
    await page.locator('[data-testid=rules] tbody tr').first().waitFor({ timeout: 60_000 });
    const firstRulesMs = performance.now() - t0;
    t0 = performance.now();
    await s.api.ok('bench', 'GET', `/v1/tenants/${BIG}/policies?limit=1000`, s.globalAuditor);
    const apiListMs = performance.now() - t0;

    await page.goto(`${server.base}/console#/${T}/policies/web-app`);
    const hits = page.locator('[data-rule=web-to-db] [data-stat=hits]');
    await page.waitForFunction(textIsNot, { selector: HITS, text: '—' });
    const counterMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // at a random point of the poll cycle: right after a screen update, every packet would wait a full interval
      await sleep(Math.random() * 2000);
      const before = (await hits.textContent())!;
      await s.sendPacket(42000 + i);
      const sent = performance.now();
      await page.waitForFunction(
        textIsNot,
        { selector: HITS, text: before },
        { timeout: 30_000, polling: 50 },
      );
      counterMs.push(performance.now() - sent);
    }

    await page.getByRole('navigation').getByRole('link', { name: 'Flow log', exact: true }).click();
    await page.locator('[data-testid=flowlog] tbody tr').first().waitFor();
    const lineMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const port = 43000 + i;
      await sleep(Math.random() * 1500);
      await s.sendPacket(port);
      const sent = performance.now();
      await page.waitForFunction(
        textHas,
        { selector: '[data-testid=flowlog] tbody', text: `:${port}` },
        { timeout: 30_000, polling: 50 },
      );
      lineMs.push(performance.now() - sent);
    }
    counterMs.sort((a, b) => a - b);
    lineMs.sort((a, b) => a - b);
    return {
      firstRulesVisibleMs: firstRulesMs,
      apiPolicyListMs: apiListMs,
      counterMedianMs: percentile(counterMs, 50),
      counterP95Ms: percentile(counterMs, 95),
      flowLineMedianMs: percentile(lineMs, 50),
      flowLineP95Ms: percentile(lineMs, 95),
    };
  } finally {
    await browser.close();
    if (!shared) await server.stop();
  }
}

if (isMain(import.meta.url)) printFigures(await run());
