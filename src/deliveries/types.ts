import type { NetboxDelivery } from '../inventory/netbox/parse-netbox-delivery.js';

export interface DeliveryResult {
  outcome: 'applied' | 'stale' | 'ignored';
  reason: string | null;
  revision: number;
}

/** A verified, parsed NetBox delivery waiting for its tenant's writer. */
export interface NetboxJob {
  tenant: string;
  /** the id its deliveries-log entry gets */
  id: string;
  dedupKey: string;
  delivery: NetboxDelivery;
  /** the source's host map when the delivery arrived; null: the writer's (it checks the signature) */
  hypervisors: Record<string, string> | null;
  /** the raw bytes and X-Hook-Signature, for the writer to verify against the source it holds */
  signed?: { bytes: Uint8Array; signature: string | undefined };
  /** kept with a rejected delivery, for replay */
  body: string;
  headers: Record<string, string>;
}

/** What became of one job: the 2xx answer, a 422 rejection, or why the whole batch could not commit. */
export type JobAnswer =
  | { kind: 'done'; result: DeliveryResult; realization: 'pending' | 'failed' | 'realized' | null }
  | { kind: 'duplicate'; reason: string; revision: number }
  | { kind: 'rejected'; code: string; message: string; details: Record<string, string> }
  | { kind: 'failed'; code: 'tenant-busy' | 'tenant-missing'; message: string }
  | { kind: 'unsigned' };
