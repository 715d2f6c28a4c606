import type { Context } from 'hono';
import {
  decideVcenterAction,
  indexWorkloadsForVcenter,
  type VcenterEvent,
} from '../inventory/vcenter/index.js';
import { getHypervisor } from '../store/hypervisors.js';
import { runTenantTransaction } from '../store/tenant-transaction.js';
import type { WebhookSource } from '../store/webhook-sources.js';
import { deleteWorkloadStatements, getWorkload, loadAllWorkloads } from '../store/workloads.js';
import type { AppEnv } from './context.js';
import { tenantWriteError, unprocessable } from './errors.js';
import { realizeAfterWrite } from './realize-hook.js';
import { startMove } from '../deliveries/moves.js';
import type { DeliveryResult } from '../deliveries/types.js';
import { revisionOf } from './webhook-netbox.js';

const ACTOR = 'webhook:vcenter';

/** The hypervisors the event's host could stand for that exist, so the pure decision can ask synchronously. */
async function existingHypervisors(c: Context<AppEnv>, source: WebhookSource, event: VcenterEvent) {
  const names = [event.host?.name, event.host?.moref].filter((n): n is string => n !== undefined);
  const candidates = [...new Set(names.flatMap((n) => [source.hypervisors[n] ?? n, n]))];
  const found = await Promise.all(candidates.map((id) => getHypervisor(c.get('db'), id)));
  return new Set(candidates.filter((_, i) => found[i] !== null));
}

/** One verified vCenter event (SPEC §7): a migration, a deletion, or nothing, decided by the pure core. */
export async function applyVcenter(
  c: Context<AppEnv>,
  t: string,
  source: WebhookSource,
  event: VcenterEvent,
  dedupKey: string,
): Promise<DeliveryResult> {
  const db = c.get('db');
  const [{ workloads }, exists] = await Promise.all([
    loadAllWorkloads(db, t),
    existingHypervisors(c, source, event),
  ]);
  const decision = decideVcenterAction(event, {
    ...indexWorkloadsForVcenter(workloads),
    hypervisors: source.hypervisors,
    hypervisorExists: (id) => exists.has(id),
  });
  switch (decision.kind) {
    case 'ignored':
      return { outcome: 'ignored', reason: decision.reason, revision: await revisionOf(db, t) };
    case 'rejected':
      throw unprocessable(decision.code, decision.reason);
    case 'migrate': {
      const reason = await startMove(c.env, c.get('db'), t, decision, dedupKey);
      return { outcome: 'applied', reason, revision: await revisionOf(db, t) };
    }
    case 'delete': {
      let out;
      try {
        out = await runTenantTransaction(db, { tenant: t, expected: null, actor: ACTOR }, async () => {
          const before = await getWorkload(db, t, decision.workload);
          if (!before) return { unchanged: null };
          return {
            result: null,
            statements: deleteWorkloadStatements(db, t, decision.workload),
            audit: [
              { action: 'delete' as const, kind: 'workload', id: decision.workload, before, after: null },
            ],
          };
        });
      } catch (err) {
        throw tenantWriteError(err, t);
      }
      if (out.changed) await realizeAfterWrite(c, t, out.revision, { async: true });
      return {
        outcome: out.changed ? 'applied' : 'ignored',
        reason: decision.reason,
        revision: out.revision,
      };
    }
  }
}
