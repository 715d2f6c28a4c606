/**
 * The OpenAPI document as the running service serves it, linted by Redocly (recommended rules plus
 * redocly.yaml) and checked for what generated clients rely on: ids, typed schemas, defaults that stay
 * optional in request types.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUT_DIR, startDevServer, type DevServer } from '../../bench/wrangler-dev.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(OUT_DIR, 'openapi-lint');
const CLI = path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Operation = { operationId?: string; summary?: string; tags?: string[] };

let server: DevServer;
let file: string;
let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };

/** Every schema-like object below `node` with its JSON pointer. */
function* objects(node: Json, at = '#'): Generator<[string, { [key: string]: Json }]> {
  if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* objects(v, `${at}/${i}`);
  else if (node !== null && typeof node === 'object') {
    yield [at, node];
    for (const [k, v] of Object.entries(node)) yield* objects(v, `${at}/${k.replaceAll('/', '~1')}`);
  }
}

describe('the served OpenAPI document', () => {
  beforeAll(async () => {
    server = await startDevServer('openapi-lint');
    const answer = await fetch(`${server.base}/openapi.json`);
    expect(answer.status).toBe(200);
    const text = await answer.text();
    doc = JSON.parse(text);
    mkdirSync(DIR, { recursive: true });
    file = path.join(DIR, 'openapi.json');
    writeFileSync(file, text);
  });
  afterAll(async () => {
    await server?.stop();
  });

  // asynchronously: a blocked event loop would miss the service closing idle keep-alive connections
  it('passes redocly lint with no errors', async () => {
    const run = await promisify(execFile)(process.execPath, [CLI, 'lint', '--format=json', file], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((err: { stdout?: string; stderr?: string }) => ({
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }));
    const start = run.stdout.indexOf('{');
    expect(start, `redocly printed no report: ${run.stderr}`).toBeGreaterThanOrEqual(0);
    const report = JSON.parse(run.stdout.slice(start)) as { problems: Problem[] };
    const errors = report.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it('names, summarizes and tags every operation, with unique camelCase ids', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) =>
      Object.entries(methods).map(([m, op]) => ({ where: `${m.toUpperCase()} ${p}`, ...op })),
    );
    expect(ops.length).toBeGreaterThan(50);
    const bad = ops.filter(
      (op) => !/^[a-z][A-Za-z]+$/.test(op.operationId ?? '') || !op.summary || !op.tags?.length,
    );
    expect(bad.map((op) => op.where)).toEqual([]);
    expect(new Set(ops.map((op) => op.operationId)).size).toBe(ops.length);
    expect(ops.find((op) => op.where === 'PUT /v1/tenants/{t}/policies/{id}')?.operationId).toBe('putPolicy');
    expect(ops.find((op) => op.where === 'GET /v1/tenants/{t}/workloads')?.operationId).toBe('listWorkloads');
  });

  it('types every schema: no bare objects, no component whose defaults would be required in requests', () => {
    const bare: string[] = [];
    for (const [at, o] of objects(doc as unknown as Json))
      if (o.type === 'object' && !o.properties && o.additionalProperties === undefined) bare.push(at);
    expect(bare).toEqual([]);
    // openapi-typescript makes a component's defaulted properties required: defaults live in request bodies
    const defaulted = [...objects(doc.components.schemas)]
      .filter(([, o]) => 'default' in o)
      .map(([at]) => at);
    expect(defaulted).toEqual([]);
    const criteria = JSON.stringify(doc.components.schemas.Criteria);
    expect(criteria).toContain('"$ref":"#/components/schemas/Criteria"');
    expect(doc.components.schemas.PacketBatch).toBeDefined();
  });

  it('declares the query and header parameters and the response headers handlers use', () => {
    const params = (p: string, m: string) =>
      ((doc.paths[p]?.[m] as { parameters?: { name: string; in: string }[] }).parameters ?? []).map(
        (x) => `${x.in}:${x.name}`,
      );
    expect(params('/v1/tenants/{t}/policies/{id}', 'put')).toEqual(
      expect.arrayContaining(['query:dryRun', 'header:if-match', 'header:prefer']),
    );
    expect(params('/v1/tenants/{t}/workloads', 'get')).toEqual(
      expect.arrayContaining(['query:limit', 'query:cursor', 'query:group']),
    );
    expect(params('/v1/tenants/{t}/flowlogs', 'get')).toEqual(
      expect.arrayContaining(['query:hypervisor', 'query:action', 'query:since', 'query:cursor']),
    );
    const put = doc.paths['/v1/tenants/{t}/policies/{id}']?.put as {
      responses: Record<string, { headers?: object }>;
    };
    expect(Object.keys(put.responses['200']?.headers ?? {})).toEqual(
      expect.arrayContaining(['ETag', 'Omniwall-Realization']),
    );
  });

  it('serves /docs offline, showing each operation with its parameters, body, example and responses', async () => {
    const html = await (await fetch(`${server.base}/docs`)).text();
    expect(html).not.toMatch(/(src|href)="https?:/);
    // the page's own script, run against the served document with just enough of a DOM
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
    expect(script).toBeDefined();
    const shown = { main: { innerHTML: '', textContent: '' }, nav: { innerHTML: '', textContent: '' } };
    const served = (url: string) => fetch(new URL(url, server.base));
    new Function('fetch', 'document', script!)(served, { getElementById: (id: 'main' | 'nav') => shown[id] });
    await expect.poll(() => shown.main.innerHTML.length + shown.main.textContent.length).toBeGreaterThan(0);
    expect(shown.main.textContent).toBe('');
    const op = (id: string) => {
      const start = shown.main.innerHTML.indexOf(`id="op-${id}"`);
      expect(start, id).toBeGreaterThan(0);
      return shown.main.innerHTML.slice(start, shown.main.innerHTML.indexOf('<div class="op"', start + 1));
    };
    const putPolicy = op('putPolicy');
    for (const row of [
      'dryRun',
      'if-match',
      'prefer',
      'request body',
      'web-to-db',
      'Omniwall-Realization',
      'ETag',
    ])
      expect(putPolicy).toContain(row);
    expect(op('listFlowLogs')).toContain('<code>cursor</code></td><td>query');
    expect(op('judgePackets')).toContain('application/octet-stream');
    expect(shown.main.innerHTML).toContain('id="schema-Criteria"');
    expect(shown.nav.innerHTML).toContain('href="#t-policies"');
  });
});
