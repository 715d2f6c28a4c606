// Serves omniwall on workerd with local D1 and Durable Objects, as `wrangler dev` does, through wrangler's
// startWorker API so that no DevTools inspector is attached: with one, every request of the Worker pays for
// the debugger (about a fifth of a webhook burst's throughput here). `npm run dev` keeps the inspector.
// Run: node scripts/serve.mjs --port 8787 [--ip 127.0.0.1] [--persist-to DIR] [--env-file FILE] [--log-level info]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { unstable_startWorker } from 'wrangler';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Resolves once the server answers; `dispose()` stops it. */
export async function serve({ port, ip = '127.0.0.1', persistTo, envFile, logLevel = 'info' }) {
  const worker = await unstable_startWorker({
    config: path.join(ROOT, 'wrangler.toml'),
    envFiles: envFile ? [envFile] : undefined,
    dev: {
      inspector: false,
      remote: false,
      watch: false,
      liveReload: false,
      logLevel,
      persist: persistTo ?? path.join(ROOT, '.wrangler', 'state'),
      server: { hostname: ip, port: Number(port) },
    },
  });
  await worker.ready;
  return worker;
}

/** Stops the server on SIGINT or SIGTERM, then exits. */
export function stopOnSignals(worker) {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      worker.dispose().finally(() => process.exit(0));
    });
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      ip: { type: 'string', default: '127.0.0.1' },
      'persist-to': { type: 'string' },
      'env-file': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  const worker = await serve({
    port: values.port,
    ip: values.ip,
    persistTo: values['persist-to'],
    envFile: values['env-file'],
    logLevel: values['log-level'],
  });
  console.log(`omniwall: ready on http://${values.ip}:${values.port}`);
  stopOnSignals(worker);
}
