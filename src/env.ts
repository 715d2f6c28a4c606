import type { HypervisorDO } from './hypervisor/index.js';
import type { MigrationDO } from './migration/index.js';

export interface Env {
  DB: D1Database;
  HYPERVISOR: DurableObjectNamespace<HypervisorDO>;
  MIGRATION: DurableObjectNamespace<MigrationDO>;
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
      ADMIN_TOKEN?: string;
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    }
  }
}
