import type { HypervisorDO } from './hypervisor/index.js';
import type { MigrationDO } from './migration/index.js';
import type { RealizerDO } from './realization/index.js';

export interface Env {
  DB: D1Database;
  HYPERVISOR: DurableObjectNamespace<HypervisorDO>;
  MIGRATION: DurableObjectNamespace<MigrationDO>;
  REALIZER: DurableObjectNamespace<RealizerDO>;
  /** "on" enables test-only hooks (clock advance, fault injection); never set in production */
  TEST_HOOKS?: string;
  /** bootstrap admin secret; absent = no admin access (fail closed) */
  ADMIN_TOKEN?: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('./index.js');
    }
    interface Env {
      DB: D1Database;
      HYPERVISOR: DurableObjectNamespace<HypervisorDO>;
      MIGRATION: DurableObjectNamespace<MigrationDO>;
      REALIZER: DurableObjectNamespace<RealizerDO>;
      TEST_HOOKS?: string;
      ADMIN_TOKEN?: string;
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
      CLASSBENCH_RULES: string;
      CLASSBENCH_TRACE: string;
      CLASSBENCH_FIRSTMATCH: string;
    }
  }
}
