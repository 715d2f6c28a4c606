/**
 * A client generated from the served document (openapi-typescript + openapi-fetch) walks README's quick
 * start: the program type-checks under strict options with no casts and no `any`, and then runs against
 * the service, so its types are proven against real answers.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUT_DIR, startDevServer, type DevServer } from '../../bench/wrangler-dev.js';

const DIR = path.join(OUT_DIR, 'typed-client');
const FIXTURE = path.join(import.meta.dirname, 'quick-start-client.ts');
const PROGRAM = path.join(DIR, 'quick-start-client.ts');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitAny: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: [],
};

interface Checked {
  diagnostics: string[];
  /** expressions of the program whose type is any */
  anys: string[];
}

/** The last program: the next one reuses its unchanged files (lib.dom, the generated types). */
let previous: ts.Program | undefined;

function typeCheck(file: string): Checked {
  const program = ts.createProgram([file], OPTIONS, undefined, previous);
  previous = program;
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.basename(d.file.fileName)}:${line + 1}: ${text}`;
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const anys: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) anys.push(`cast: ${node.getText()}`);
    if (
      ts.isPropertyAccessExpression(node) ||
      (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name))
    ) {
      const type = checker.getTypeAtLocation(node);
      if (type.flags & ts.TypeFlags.Any)
        anys.push((ts.isVariableDeclaration(node) ? node.name : node).getText());
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { diagnostics, anys };
}

let server: DevServer;

describe('a typed client generated from the served document', () => {
  beforeAll(async () => {
    server = await startDevServer('typed-client');
    const doc = await (await fetch(`${server.base}/openapi.json`)).text();
    mkdirSync(DIR, { recursive: true });
    writeFileSync(path.join(DIR, 'api-types.ts'), astToString(await openapiTS(doc)));
    copyFileSync(FIXTURE, PROGRAM);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("type-checks README's quick start with no casts and nothing typed any", () => {
    const { diagnostics, anys } = typeCheck(PROGRAM);
    expect(diagnostics).toEqual([]);
    expect(anys).toEqual([]);
  });

  it('fails the check for a misspelt field, a body missing a required one, and an any', () => {
    const wrong = path.join(DIR, 'quick-start-client-wrong.ts');
    const text = readFileSync(FIXTURE, 'utf8');
    const misspelt = text.replace('created.settings.defaultAction', 'created.settings.defaultActon');
    const missing = text.replace("{ body: { id: tenant, name: 'ACME' } }", "{ body: { name: 'ACME' } }");
    expect(misspelt).not.toBe(text);
    expect(missing).not.toBe(text);
    writeFileSync(wrong, misspelt);
    expect(typeCheck(wrong).diagnostics.join('\n')).toMatch(/defaultActon/);
    writeFileSync(wrong, missing);
    expect(typeCheck(wrong).diagnostics.join('\n')).toMatch(/'id' is missing/);
    writeFileSync(wrong, text.replace('  const etag =', "  const loose = JSON.parse('{}');\n  const etag ="));
    expect(typeCheck(wrong).anys).toEqual(['loose']);
  });

  it('runs against the service and gets the answers its types promise', async () => {
    const { quickStart } = (await import(pathToFileURL(PROGRAM).href)) as {
      quickStart(base: string, admin: string, tenant: string): Promise<Record<string, unknown>>;
    };
    const answers = await quickStart(server.base, server.adminToken, 'acme');
    expect(answers).toMatchObject({
      tenant: { revision: 1, defaultAction: 'drop' },
      editorRole: 'editor',
      // fields left out of the body come back with their defaults, as the response type says
      web1: { name: 'web-1', attributes: {}, ips: [['10.0.1.5']] },
      members: ['web-1'],
      rule: { direction: 'inout', disabled: false, stateful: true },
      stale: { status: 412, code: 'revision-moved' },
      verdict: { action: 'allow', rule: 'web-to-db', policy: 'app', reason: 'new' },
      explained: { verdict: 'allow', hops: ['web-1-eth0 out', 'db-1-eth0 in'] },
    });
    expect(answers.etag).toMatch(/^"\d+"$/);
    const live = answers.live as { desired: number; realized: number };
    expect(live.realized).toBe(live.desired);
  });
});
