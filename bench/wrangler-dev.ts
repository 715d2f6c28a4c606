/**
 * Bench helpers: a throwaway `wrangler dev` on 127.0.0.1 (fresh persisted D1/DO state in a temp dir, random
 * admin token, free port) and a small JSON HTTP client that counts every status code it sees.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setDevVar } from '../scripts/dev-vars.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
export const OUT_DIR = path.join(ROOT, 'bench/out');
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 8_000;

export interface DevServer {
  readonly base: string;
  readonly adminToken: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: npx → wrangler → workerd
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) killGroup(c, 'SIGKILL');
      process.exit(130);
    });
  }
}

/** Applies the migrations into a fresh temp dir and serves the worker from it; resolves once /healthz is 200. */
export async function startDevServer(label: string): Promise<DevServer> {
  hookExit();
  mkdirSync(OUT_DIR, { recursive: true });
  const persist = mkdtempSync(path.join(tmpdir(), `omniwall-bench-${label}-`));
  const port = await freePort();
  const adminToken = randomBytes(24).toString('hex');
  // CLOUDFLARE_CF_FETCH_ENABLED=false: miniflare must not fetch the Request.cf object from the Internet
  const env = {
    ...process.env,
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
    // `--env-file` is read only while this is on; it replaces .dev.vars, and process.env stays out of the worker
    CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: 'true',
    CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
  };
  const logFile = path.join(OUT_DIR, `wrangler-${label}.log`);

  const migrate = spawnSync(
    'npx',
    ['wrangler', 'd1', 'migrations', 'apply', 'omniwall', '--local', '--persist-to', persist],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 },
  );
  if (migrate.status !== 0) {
    rmSync(persist, { recursive: true, force: true });
    throw new Error(`d1 migrations failed (${migrate.status}): ${migrate.stderr || migrate.stdout}`);
  }

  // the token goes in a file of the 0700 temp dir: a `--var` on the command line would show in `ps`
  const devVars = path.join(persist, 'dev.vars');
  setDevVar(devVars, 'ADMIN_TOKEN', adminToken);
  const log = createWriteStream(logFile);
  // scripts/serve.mjs (as `npm start` serves): no inspector, and no restart when src/ is edited mid-run
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'scripts', 'serve.mjs'),
      '--ip',
      HOST,
      '--port',
      String(port),
      '--env-file',
      devVars,
      '--persist-to',
      persist,
      '--log-level',
      process.env.BENCH_WRANGLER_LOG_LEVEL ?? 'warn',
    ],
    { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    live.delete(child);
    log.end();
    rmSync(persist, { recursive: true, force: true });
  };

  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited early (${child.exitCode ?? child.signalCode}); see ${logFile}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
      await res.arrayBuffer();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `wrangler dev did not answer /healthz within ${START_TIMEOUT_MS / 1000}s; see ${logFile}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { base, adminToken, logFile, stop };
}

/** Counts of HTTP statuses (and transport errors as status 0) seen by a client, for the report. */
export type StatusCounts = Record<string, number>;

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON client bound to one server; every status it sees is counted in `statuses` under a label. */
export class Client {
  readonly statuses: Record<string, StatusCounts> = {};
  /** the first few non-2xx answers, verbatim (trimmed) */
  readonly failures: string[] = [];

  constructor(
    readonly base: string,
    readonly timeoutMs = 120_000,
  ) {}

  count(label: string, status: number): void {
    const c = (this.statuses[label] ??= {});
    c[status] = (c[status] ?? 0) + 1;
  }

  async call<T = unknown>(
    label: string,
    method: string,
    urlPath: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    let res: Response;
    try {
      res = await fetch(this.base + urlPath, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      this.count(label, 0);
      this.fail(`${method} ${urlPath}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    this.count(label, res.status);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (res.status >= 300) this.fail(`${method} ${urlPath} → ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Like call, but throws unless the status is 2xx. */
  async ok<T = unknown>(
    label: string,
    method: string,
    urlPath: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T> {
    const r = await this.call<T>(label, method, urlPath, token, body, headers);
    if (r.status < 200 || r.status >= 300) {
      throw new Error(`${method} ${urlPath} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    return r.body;
  }

  fail(message: string): void {
    if (this.failures.length < 20) this.failures.push(message);
  }
}

/** Runs `task(i)` for i in [0, n) on `concurrency` workers; resolves when all are done. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when the module at `url` is the process entry point (run standalone with tsx). */
export function isMain(url: string): boolean {
  return Boolean(process.argv[1]) && path.resolve(process.argv[1]!) === new URL(url).pathname;
}
