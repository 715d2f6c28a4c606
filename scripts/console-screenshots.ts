// `npm run screenshots`: README's pictures of the console, taken in the browser setup the tests use
// (test/browser): a throwaway `wrangler dev`, the test scenario, Debian's chromium sealed to loopback.
import path from 'node:path';
import { startDevServer } from '../bench/wrangler-dev.js';
import { launchChromium } from '../test/browser/chromium.js';
import { setUp, T } from '../test/browser/scenario.js';

const DOCS = path.resolve(import.meta.dirname, '..', 'docs');

const server = await startDevServer('screenshots');
const browser = await launchChromium().catch(async (err: unknown) => {
  await server.stop();
  throw err;
});
try {
  const s = await setUp(server.base, server.adminToken);
  for (let i = 0; i < 5; i++) await s.sendPacket(41000 + i);
  const page = await browser.context.newPage();
  await page.goto(`${server.base}/console`);
  await page.getByLabel('API token').fill(s.auditor);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  const take = async (hash: string, ready: string, file: string) => {
    await page.goto(`${server.base}/console#/${T}/${hash}`);
    await page.locator(ready).first().waitFor();
    await page.waitForTimeout(2500); // one poll round, so the counters shown are current
    await page.screenshot({ path: path.join(DOCS, file), fullPage: true });
    console.log(`wrote docs/${file}`);
  };
  await take('hypervisors', 'text=in sync', 'console-realization.png');
  await page.goto(`${server.base}/console#/${T}/policies/web-app`);
  await page.getByRole('button', { name: 'web-to-db' }).click();
  await take('policies/web-app', '.rule-detail >> text=10.0.0.20', 'console-policies.png');
} finally {
  await browser.close();
  await server.stop();
}
