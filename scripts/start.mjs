// Applies the local D1 migrations and serves omniwall with `wrangler dev` on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { readDevVar, setDevVar } from './dev-vars.mjs';

const DEV_ADMIN_TOKEN = 'dev-admin-token';
const port = process.env.PORT ?? '8787';
// wrangler dev reads the secrets next to wrangler.toml; a `--var` on its command line would show in `ps`
const devVars = path.resolve(import.meta.dirname, '..', '.dev.vars');
const written = readDevVar(devVars, 'ADMIN_TOKEN');
const adminToken = process.env.ADMIN_TOKEN || written || DEV_ADMIN_TOKEN;
if (adminToken !== written) setDevVar(devVars, 'ADMIN_TOKEN', adminToken);

const migrate = spawnSync('npx', ['wrangler', 'd1', 'migrations', 'apply', 'omniwall', '--local'], {
  stdio: 'inherit',
  env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

console.log(
  process.env.ADMIN_TOKEN
    ? 'omniwall: admin token from the ADMIN_TOKEN environment variable (kept in .dev.vars)'
    : adminToken === DEV_ADMIN_TOKEN
      ? `omniwall: admin token is the development default "${DEV_ADMIN_TOKEN}" (set ADMIN_TOKEN to choose one)`
      : 'omniwall: admin token from the ADMIN_TOKEN line of .dev.vars',
);
console.log(`omniwall: serving on http://127.0.0.1:${port}`);

const dev = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', port], {
  stdio: 'inherit',
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
