// Applies the local D1 migrations and serves omniwall on 127.0.0.1 (scripts/serve.mjs: workerd, no inspector).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readDevVar, setDevVar } from './dev-vars.mjs';
import { serve, stopOnSignals } from './serve.mjs';

const DEV_ADMIN_TOKEN = 'dev-admin-token';
const port = process.env.PORT ?? '8787';
// the Worker reads its secrets from .dev.vars next to wrangler.toml; a `--var` on its command line would show in `ps`
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
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
const worker = await serve({ port, envFile: devVars });
console.log(`omniwall: serving on http://127.0.0.1:${port}`);
stopOnSignals(worker);
