// Bundles the omniwall CLI (src/cli) into dist/omniwall.mjs, which bin/omniwall.mjs runs. Packages stay
// external: they are this package's dependencies, resolved from node_modules at run time.
import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const CLI_BUNDLE = path.join(root, 'dist/omniwall.mjs');

export async function buildCli() {
  await build({
    entryPoints: [path.join(root, 'src/cli/index.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await buildCli();
