/**
 * Generates src/client/api-types.ts from the OpenAPI document the API serves, without wrangler: the app
 * answers /openapi.json in plain Node (no route touches the database for it).
 *   npx tsx scripts/openapi-types.ts          writes the file
 *   npx tsx scripts/openapi-types.ts --check  exits 1 when the committed file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { createApp } from '../src/api/app.js';

export const API_TYPES_FILE = path.resolve(import.meta.dirname, '../src/client/api-types.ts');

export async function servedDocument(): Promise<Record<string, unknown>> {
  const res = await createApp().request('/openapi.json', {}, { DB: {} } as never);
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/** The file's text: openapi-typescript's output, formatted as the repository formats TypeScript. */
export async function generateApiTypes(): Promise<string> {
  const ast = await openapiTS((await servedDocument()) as never, { alphabetize: true });
  const text = COMMENT_HEADER + astToString(ast);
  const options = (await resolveConfig(API_TYPES_FILE)) ?? {};
  return format(text, { ...options, filepath: API_TYPES_FILE });
}

async function main() {
  const fresh = await generateApiTypes();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    if (committed !== fresh) {
      console.error(`${API_TYPES_FILE} is stale: run npx tsx scripts/openapi-types.ts`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(API_TYPES_FILE, fresh);
  console.error(`wrote ${path.relative(process.cwd(), API_TYPES_FILE)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
