import { compileRuleSet } from '../compiler/compile-rule-set.js';
import { hypervisorOf, realizerOf, type Env } from '../env.js';
import type { MovedVnic } from '../hypervisor/hypervisor-do.js';
import { openDb } from '../store/db.js';
import { loadTenantState } from '../store/tenant-state.js';
import { runTenantTransaction, TenantMissing } from '../store/tenant-transaction.js';
import { getTenant } from '../store/tenants.js';
import { getWorkload, moveWorkloadStatement } from '../store/workloads.js';

/** A migration that can never complete (its tenant or workload is gone): it ends as `failed`. */
export class MigrationAbort extends Error {
  readonly code = 'migration-abort';
}

export const STEPS = ['prepare', 'freeze', 'import', 'inventory', 'release'] as const;
export type Step = (typeof STEPS)[number];

export interface MigrationPlan {
  id: string;
  tenant: string;
  workload: string;
  from: string;
  to: string;
  vnics: MovedVnic[];
}

/**
 * The steps of a flow-state migration. Each is idempotent, so the coordinator may run any of them again
 * after a crash or a failure: at every instant a flow is judged by at most one hypervisor object.
 */
export async function runStep(env: Env, plan: MigrationPlan, step: Step): Promise<{ flowsMoved?: number }> {
  const source = hypervisorOf(env, plan.from);
  const destination = hypervisorOf(env, plan.to);
  const handles = plan.vnics.map((v) => v.handle);
  switch (step) {
    case 'prepare': {
      // the destination gets the tenant's rules as they will be with the workload there
      const db = openDb(env.DB);
      const tenant = await getTenant(db, plan.tenant);
      if (!tenant) throw new MigrationAbort(`tenant ${plan.tenant} is gone`);
      const { state, vnicHandles } = await loadTenantState(db, tenant);
      const moved = {
        ...state,
        workloads: state.workloads.map((w) => (w.id === plan.workload ? { ...w, hypervisor: plan.to } : w)),
      };
      await destination.prepareIncoming(
        compileRuleSet({ state: moved, hypervisor: plan.to, vnicHandles }),
        plan.vnics,
      );
      return {};
    }
    case 'freeze':
      await source.freeze(plan.vnics);
      return {};
    case 'import': {
      const transfer = await source.exportFlows(handles);
      await destination.importFlows(plan.vnics, transfer);
      return { flowsMoved: await destination.flowsOf(handles) };
    }
    case 'inventory': {
      const db = openDb(env.DB);
      let out;
      try {
        out = await runTenantTransaction(
          db,
          { tenant: plan.tenant, expected: null, actor: `migration:${plan.id}` },
          async () => {
            const before = await getWorkload(db, plan.tenant, plan.workload);
            if (!before) throw new MigrationAbort(`workload ${plan.workload} is gone`);
            if (before.hypervisor === plan.to) return { unchanged: null };
            const after = { ...before, hypervisor: plan.to };
            return {
              result: null,
              statements: [moveWorkloadStatement(db, plan.tenant, plan.workload, plan.to)],
              audit: [{ action: 'update' as const, kind: 'workload', id: plan.workload, before, after }],
            };
          },
        );
      } catch (err) {
        if (err instanceof TenantMissing) throw new MigrationAbort(`tenant ${plan.tenant} is gone`);
        throw err;
      }
      if (out.changed) await realizerOf(env, plan.tenant).request(plan.tenant, out.revision, true);
      return {};
    }
    case 'release':
      await source.releaseFlows(handles);
      return {};
  }
}
