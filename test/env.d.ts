// Bindings only the tests have (vitest.config.ts), on top of the Worker's own (src/env.ts).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    CLASSBENCH_RULES: string;
    CLASSBENCH_TRACE: string;
    CLASSBENCH_FIRSTMATCH: string;
    NETBOX_CAPTURED_V46: string;
    NETBOX_CAPTURED_V40: string;
    VCENTER_MIGRATED: string;
    VCENTER_REMOVED: string;
    VCENTER_POWERED_ON: string;
    VCENTER_LEGACY: string;
  }
}
