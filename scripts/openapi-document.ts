/**
 * Prints the OpenAPI document the service serves at /openapi.json, built in Node from the route
 * declarations (no wrangler, no database): `npx tsx scripts/openapi-document.ts > openapi.json`.
 * With --types it prints the openapi-typescript types of it instead (what a typed client imports).
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { createApp } from '../src/api/app.js';

const answer = await createApp().request('/openapi.json', {}, { DB: {} } as never);
if (answer.status !== 200) throw new Error(`/openapi.json answered ${answer.status}`);
const text = await answer.text();
if (process.argv.includes('--types')) {
  process.stdout.write(astToString(await openapiTS(text)));
} else {
  process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
}
