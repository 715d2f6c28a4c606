// Bundles the console (console/src, Preact) into console/public/console/app.js, the Worker's static assets.
import { build } from 'esbuild';
import { Buffer } from 'node:buffer';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outfile = path.join(root, 'console/public/console/app.js');

const result = await build({
  entryPoints: [path.join(root, 'console/src/main.tsx')],
  outfile,
  write: false,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
const code = result.outputFiles[0].contents;
// unchanged output is not rewritten: `wrangler dev` watches the assets and would restart the worker mid-request
if (!existsSync(outfile) || !Buffer.from(readFileSync(outfile)).equals(Buffer.from(code)))
  writeFileSync(outfile, code);
