// Applies the local D1 migrations and serves omniwall with `wrangler dev` on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';

const DEV_ADMIN_TOKEN = 'dev-admin-token';
const port = process.env.PORT ?? '8787';
const fromEnv = Boolean(process.env.ADMIN_TOKEN);
const adminToken = process.env.ADMIN_TOKEN || DEV_ADMIN_TOKEN;

const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'omniwall', '--local'], {
  stdio: 'inherit',
  env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

console.log(
  fromEnv
    ? 'omniwall: admin token from the ADMIN_TOKEN environment variable'
    : `omniwall: admin token is the development default "${DEV_ADMIN_TOKEN}" (set ADMIN_TOKEN to choose one)`,
);
console.log(`omniwall: serving on http://127.0.0.1:${port}`);

const dev = spawn(
  'npx',
  ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', port, '--var', `ADMIN_TOKEN:${adminToken}`],
  {
    stdio: 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
