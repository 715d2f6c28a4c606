import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { canonicalJson } from '../policy/canonical-json.js';
import { runTenantTransaction } from '../store/tenant-transaction.js';
import type { WebhookSource } from '../store/webhook-sources.js';
import {
  deleteWorkloadStatements,
  getWorkload,
  putWorkloadStatements,
  vnicOwners,
} from '../store/workloads.js';
import type { AppEnv } from './context.js';
import { ApiError, badRequest, tenantWriteError, unprocessable } from './errors.js';
import { realizeAfterWrite } from './realize-hook.js';
import { workloadFromBody } from './routes/workloads.js';
import { Id } from './schemas/common.js';
import { WorkloadBody } from './schemas/resources.js';
import { formatPath } from './validation.js';
import { startMove } from '../deliveries/moves.js';
import type { DeliveryResult } from '../deliveries/types.js';
import { hypervisorFor, revisionOf } from './webhook-netbox.js';

const Envelope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('workload.upserted'), data: WorkloadBody.extend({ id: Id }) }),
  z.object({ type: z.literal('workload.deleted'), data: z.object({ id: Id }) }),
  z.object({ type: z.literal('workload.moved'), data: z.object({ id: Id, to: z.string().min(1).max(256) }) }),
]);

const ACTOR = 'webhook:events';

/** omniwall's own event envelope (SPEC §7 `events`): the same writes the workloads API makes. */
export async function applyEvents(
  c: Context<AppEnv>,
  t: string,
  source: WebhookSource,
  json: unknown,
  nameObject: (object: string) => void,
  dedupKey: string,
): Promise<DeliveryResult> {
  const parsed = Envelope.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(`${formatPath('json', issue.path as (string | number)[])}: ${issue.message}`);
  }
  const db = c.get('db');
  const event = parsed.data;
  const id = event.data.id;
  nameObject(`workload:${id}`);
  if (event.type === 'workload.moved') {
    const to = await hypervisorFor(db, source, event.data.to, id);
    const existing = await getWorkload(db, t, id);
    const revision = await revisionOf(db, t);
    if (!existing) return { outcome: 'ignored', reason: `no workload "${id}"`, revision };
    if (existing.hypervisor === to) return { outcome: 'ignored', reason: `already on ${to}`, revision };
    const reason = await startMove(
      c.env,
      c.get('db'),
      t,
      { workload: id, from: existing.hypervisor, to },
      dedupKey,
    );
    return { outcome: 'applied', reason, revision };
  }
  const next =
    event.type === 'workload.upserted'
      ? workloadFromBody(id, {
          ...event.data,
          hypervisor: await hypervisorFor(db, source, event.data.hypervisor, id),
        })
      : null;
  let move: { from: string; to: string } | null = null;
  let out;
  try {
    out = await runTenantTransaction(db, { tenant: t, expected: null, actor: ACTOR }, async () => {
      const existing = await getWorkload(db, t, id);
      move = null;
      if (!next) {
        if (!existing) return { unchanged: `no workload "${id}"` };
        return {
          result: `workload ${id} deleted`,
          statements: deleteWorkloadStatements(db, t, id),
          audit: [{ action: 'delete', kind: 'workload', id, before: existing, after: null }],
        };
      }
      const written = existing ? { ...next, hypervisor: existing.hypervisor } : next;
      if (existing && existing.hypervisor !== next.hypervisor)
        move = { from: existing.hypervisor, to: next.hypervisor };
      if (existing && canonicalJson(existing) === canonicalJson(written)) return { unchanged: 'no change' };
      for (const [vnic, owner] of await vnicOwners(
        db,
        t,
        written.vnics.map((v) => v.id),
      ))
        if (owner !== id) throw unprocessable('vnic-taken', `vNIC "${vnic}" belongs to workload "${owner}"`);
      return {
        result: `workload ${id} ${existing ? 'updated' : 'created'}`,
        statements: putWorkloadStatements(db, t, written, 'events'),
        audit: [
          { action: existing ? 'update' : 'create', kind: 'workload', id, before: existing, after: written },
        ],
      };
    });
  } catch (err) {
    throw err instanceof ApiError ? err : tenantWriteError(err, t);
  }
  if (out.changed) await realizeAfterWrite(c, t, out.revision, { async: true });
  const reasons = [out.result];
  const m = move as { from: string; to: string } | null;
  if (m) reasons.push(await startMove(c.env, c.get('db'), t, { workload: id, ...m }, dedupKey));
  const applied = out.changed || m !== null;
  return { outcome: applied ? 'applied' : 'ignored', reason: reasons.join('; '), revision: out.revision };
}
