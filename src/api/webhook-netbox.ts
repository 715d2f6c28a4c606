import type { Context } from 'hono';
import { deliveryQueueOf } from '../env.js';
import { DeliveryRejected, placeHost } from '../deliveries/place-host.js';
import type { NetboxDelivery } from '../inventory/netbox/parse-netbox-delivery.js';
import type { Db } from '../store/db.js';
import { getHypervisor } from '../store/hypervisors.js';
import { getTenant } from '../store/tenants.js';
import type { WebhookSource } from '../store/webhook-sources.js';
import type { AppEnv } from './context.js';
import { ApiError, notFound, unprocessable, unsignedDelivery } from './errors.js';

/** The hypervisor a host names, or a 422 that rejects the delivery. */
export async function hypervisorFor(db: Db, source: WebhookSource, host: string | null, vm: number | string) {
  try {
    return await placeHost(
      source.hypervisors,
      host,
      vm,
      async (id) => (await getHypervisor(db, id)) !== null,
    );
  } catch (err) {
    if (err instanceof DeliveryRejected) throw unprocessable(err.code, err.message, err.details);
    throw err;
  }
}

export async function revisionOf(db: Db, t: string): Promise<number> {
  return (await getTenant(db, t))?.revision ?? 0;
}

/**
 * Hands a NetBox delivery to the tenant's writer, which applies it with those beside it in its batch:
 * verified already (`source` given, a replay), or with its bytes and signature for the writer to verify
 * against the source it holds, which saves the Worker a D1 read per delivery.
 */
export async function applyNetbox(
  c: Context<AppEnv>,
  t: string,
  source: WebhookSource | null,
  d: NetboxDelivery,
  job: {
    id: string;
    dedupKey: string;
    body: string;
    headers: Record<string, string>;
    signed?: { bytes: Uint8Array; signature: string | undefined };
  },
) {
  const answer = await deliveryQueueOf(c.env, t).submit({
    tenant: t,
    ...job,
    delivery: d,
    hypervisors: source?.hypervisors ?? null,
  });
  switch (answer.kind) {
    case 'done':
      if (answer.realization) {
        c.header('Omniwall-Realization', answer.realization);
        c.header('Preference-Applied', 'respond-async');
      }
      return c.json({ delivery: job.id, ...answer.result }, 200);
    case 'duplicate':
      return c.json(
        { delivery: job.id, outcome: 'duplicate' as const, reason: answer.reason, revision: answer.revision },
        200,
      );
    case 'rejected':
      throw new ApiError(422, answer.code, answer.message, answer.details);
    case 'failed':
      if (answer.code === 'tenant-missing') throw notFound('tenant', t);
      throw new ApiError(429, 'tenant-busy', answer.message, { retryAfterSeconds: 1 });
    case 'unsigned':
      throw unsignedDelivery();
  }
}
