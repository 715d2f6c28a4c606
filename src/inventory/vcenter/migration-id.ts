import { sha256Hex } from './sha256-hex.js';
import type { VcenterEvent } from './types.js';

/**
 * The migration a vCenter event starts, named by the event so that a redelivery names the same migration
 * (and the migration API answers it again instead of moving twice). Hashes `source` with `id` because a
 * CloudEvent id is unique only per source: VEBA uses the vCenter event key, which two vCenters share.
 * Matches the API's id pattern `[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}`.
 */
export function vcenterMigrationId(event: Pick<VcenterEvent, 'source' | 'id'>): string {
  return `vc-${sha256Hex(`${event.source}\n${event.id}`).slice(0, 32)}`;
}
