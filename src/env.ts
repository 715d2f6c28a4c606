import type { DeliveryQueueDO } from './deliveries/index.js';
import type { HypervisorDO } from './hypervisor/index.js';
import type { MigrationDO } from './migration/index.js';
import type { RealizerDO } from './realization/index.js';
import type { MetricsDO } from './metrics/metrics-do.js';

/** The Worker's bindings (wrangler.toml); test-only ones are declared in test/env.d.ts. */
export interface Env {
  DB: D1Database;
  HYPERVISOR: DurableObjectNamespace<HypervisorDO>;
  MIGRATION: DurableObjectNamespace<MigrationDO>;
  REALIZER: DurableObjectNamespace<RealizerDO>;
  DELIVERIES: DurableObjectNamespace<DeliveryQueueDO>;
  /** sums the API request counts of every isolate (src/metrics) */
  METRICS: DurableObjectNamespace<MetricsDO>;
  /** "on" enables test-only hooks (clock advance, fault injection); never set in production */
  TEST_HOOKS?: string;
  /** bootstrap admin secret; absent = no admin access (fail closed) */
  ADMIN_TOKEN?: string;
}

type Bindings = Pick<Env, 'HYPERVISOR' | 'MIGRATION' | 'REALIZER' | 'DELIVERIES' | 'METRICS'>;

/** The data-plane object of one hypervisor. */
export const hypervisorOf = (env: Bindings, hypervisor: string) =>
  env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hypervisor));

/** The object that realizes one tenant's revisions on its hypervisors. */
export const realizerOf = (env: Bindings, tenant: string) =>
  env.REALIZER.get(env.REALIZER.idFromName(tenant));

/** The coordinator of one workload's flow-state migrations. */
export const migrationOf = (env: Bindings, tenant: string, workload: string) =>
  env.MIGRATION.get(env.MIGRATION.idFromName(`${tenant}/${workload}`));

/** The writer that applies one tenant's inventory deliveries in batches. */
export const deliveryQueueOf = (env: Bindings, tenant: string) =>
  env.DELIVERIES.get(env.DELIVERIES.idFromName(tenant));

type WorkerEnv = Env;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('./index.js');
    }
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends WorkerEnv {}
  }
}
