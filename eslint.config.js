import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const shells = [
  'api',
  'store',
  'hypervisor',
  'realization',
  'migration',
  'inventory',
  'console',
  'cli',
  'metrics',
  'deliveries',
];
const layer = (names) => names.flatMap((n) => [`**/${n}/*`, `**/${n}`]);

/** Arrows point down: a folder may import only the folders listed below it. */
function below(folder, forbidden, extra = [], files = [`src/${folder}/**/*.ts`]) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...layer(forbidden), ...extra],
              message: `${files[0]} may not import from a layer above it (see ARCHITECTURE.md)`,
            },
          ],
        },
      ],
    },
  };
}

const pure = ['cloudflare:*', 'hono', 'hono/*', 'drizzle-orm', 'drizzle-orm/*'];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '.wrangler',
      'migrations',
      'console/public/console/app.js',
      'dist',
      'bench/out',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  below('net', [...shells, 'policy', 'compiler', 'dataplane', 'analysis', 'explain'], pure),
  below('policy', [...shells, 'compiler', 'dataplane', 'analysis', 'explain'], pure),
  below('compiler', [...shells, 'dataplane', 'analysis', 'explain'], pure),
  below('dataplane', [...shells, 'analysis', 'explain'], pure),
  below('analysis', [...shells, 'explain'], pure),
  below('explain', [...shells, 'analysis'], pure),
  below('store', [
    'api',
    'hypervisor',
    'realization',
    'migration',
    'inventory',
    'console',
    'cli',
    'metrics',
    'deliveries',
  ]),
  below('hypervisor', ['api', 'realization', 'migration', 'inventory', 'console', 'cli']),
  below('realization', ['api', 'migration', 'inventory', 'console', 'cli']),
  below('migration', ['api', 'inventory', 'console', 'cli']),
  // inventory mapping is pure too: deliveries in, workloads and decisions out; the API shell does the I/O
  below('inventory', [...shells.filter((n) => n !== 'inventory'), 'dataplane', 'analysis'], pure),
  // the tenant's delivery writer sits under the API; it shares only the API's contract schemas
  below('deliveries', ['console', 'cli', 'metrics'], ['**/api/*', '!**/api/schemas', '**/api/routes/*']),
  // the CLI is a client of the API: it may read the API's request schemas (local validation), nothing else of it
  below(
    'cli',
    [...shells.filter((n) => n !== 'cli' && n !== 'api'), 'dataplane', 'analysis', 'explain', 'compiler'],
    ['**/api/*', '!**/api/schemas', '**/api/routes/*', 'cloudflare:*'],
  ),
  // the typed client knows the API by its generated types only
  below(
    'client',
    [...shells, 'net', 'policy', 'compiler', 'dataplane', 'analysis', 'explain'],
    ['cloudflare:*', 'hono', 'hono/*', 'drizzle-orm', 'drizzle-orm/*'],
  ),
  // nothing but the entry imports the HTTP layer
  { ...below('src', ['api'], [], ['src/*.ts']), ignores: ['src/index.ts'] },
);
