import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  const classbench = (name: string) =>
    readFileSync(path.join(import.meta.dirname, '..', 'shared', 'classbench', name), 'utf8');
  const netbox = (name: string) =>
    readFileSync(path.join(import.meta.dirname, '..', 'shared', 'webhooks', 'netbox', name), 'utf8');
  const vcenter = (name: string) =>
    readFileSync(path.join(import.meta.dirname, '..', 'shared', 'webhooks', 'vcenter', name), 'utf8');
  return {
    test: {
      projects: [
        {
          test: {
            name: 'core',
            environment: 'node',
            // the at-scale tests (10,000 rules, 1,000 groups) take seconds on a loaded 2-core box
            testTimeout: 30_000,
            include: [
              'test/dataplane/**/*.test.ts',
              'test/policy/**/*.test.ts',
              'test/compiler/**/*.test.ts',
              'test/inventory-core/**/*.test.ts',
              'test/analysis/**/*.test.ts',
              'test/explain/**/*.test.ts',
              'test/client/**/*.test.ts',
            ],
          },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: 'test-admin-token',
                  TEST_HOOKS: 'on',
                  CLASSBENCH_RULES: classbench('acl1_1k'),
                  CLASSBENCH_TRACE: classbench('acl1_1k_trace'),
                  CLASSBENCH_FIRSTMATCH: classbench('acl1_1k_trace.firstmatch'),
                  NETBOX_CAPTURED_V46: netbox('captured-v4.6.0-ipaddress-created.json'),
                  NETBOX_CAPTURED_V40: netbox('captured-v4.0-ipaddress-deleted-legacy-model-key.json'),
                  VCENTER_MIGRATED: vcenter('veba-VmMigratedEvent.cloudevent.json'),
                  VCENTER_REMOVED: vcenter('veba-VmRemovedEvent.cloudevent.json'),
                  VCENTER_POWERED_ON: vcenter('veba-VmPoweredOnEvent.cloudevent.json'),
                  VCENTER_LEGACY: vcenter('legacy-event-router-VmPoweredOffEvent.cloudevent.json'),
                },
              },
            }),
          ],
          test: {
            name: 'workers',
            // workerd tests drive whole request paths (realization, migrations); a loaded CI box is slow
            testTimeout: 60_000,
            include: [
              'test/api/**/*.test.ts',
              'test/hypervisor/**/*.test.ts',
              'test/migration/**/*.test.ts',
              'test/inventory/**/*.test.ts',
              'test/console/**/*.test.ts',
              'test/metrics/**/*.test.ts',
            ],
            setupFiles: ['test/apply-migrations.ts'],
          },
        },
        {
          test: {
            name: 'service',
            // pipelines' view: the served OpenAPI document and the omniwall CLI against a real `wrangler dev`
            environment: 'node',
            include: ['test/contract/**/*.test.ts', 'test/cli/**/*.test.ts'],
            testTimeout: 120_000,
            hookTimeout: 240_000,
            sequence: { groupOrder: 1 },
          },
        },
        {
          test: {
            name: 'browser',
            // the console under `wrangler dev`, driven in Debian's chromium (test/browser/chromium.ts)
            environment: 'node',
            include: ['test/browser/**/*.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 240_000,
            expect: { poll: { timeout: 10_000, interval: 100 } },
            // after the other projects: its 5 s live-update check should not share 2 cores with workerd suites
            sequence: { groupOrder: 2 },
          },
        },
      ],
    },
  };
});
