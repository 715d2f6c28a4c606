#!/usr/bin/env node
// The omniwall CLI. `npm ci` (prepare) builds dist/omniwall.mjs; a checkout without it builds it first.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const bundle = new URL('../dist/omniwall.mjs', import.meta.url);
if (!existsSync(bundle)) {
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
await import(bundle.href);
