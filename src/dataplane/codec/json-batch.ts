import { BatchError, BatchTooLargeError } from './batch-errors.js';
import { allocBatch, type PacketBatch } from './packet-batch.js';
import { asRecord, decodePacketFields, show, type PacketFields } from './packet-fields.js';

/** One packet of the JSON wire format. */
export interface JsonPacket extends PacketFields {
  vnic: string;
  tenant?: string;
}

export interface JsonBatch {
  packets: JsonPacket[];
}

/** Maps a vNIC name (and optional tenant) to its global handle, or returns why it cannot. */
export type VnicResolver = (vnic: string, tenant: string | undefined) => number | string;

/** Returns body.packets, checking the body has nothing else. */
function packetList(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BatchError(-1, 'body', 'must be an object with a "packets" array');
  }
  for (const key of Object.keys(body)) {
    if (key !== 'packets') throw new BatchError(-1, `body.${key}`, 'unknown field');
  }
  const packets = (body as { packets?: unknown }).packets;
  if (!Array.isArray(packets)) throw new BatchError(-1, 'packets', `${show(packets)} is not an array`);
  return packets;
}

/**
 * Decodes a parsed JSON batch. Throws BatchError naming the first bad record and field,
 * or BatchTooLargeError when it holds more than maxPackets.
 */
export function decodeJsonBatch(body: unknown, resolveVnic: VnicResolver, maxPackets: number): PacketBatch {
  const list = packetList(body);
  if (list.length > maxPackets) throw new BatchTooLargeError(list.length, maxPackets);
  const batch = allocBatch(list.length);
  for (let i = 0; i < list.length; i++) {
    const rec = asRecord(list[i], i);
    const { vnic, tenant } = rec;
    if (typeof vnic !== 'string' || vnic === '') {
      throw new BatchError(
        i,
        'vnic',
        vnic === undefined ? 'is required' : `${show(vnic)} is not a vNIC name`,
      );
    }
    if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '')) {
      throw new BatchError(i, 'tenant', `${show(tenant)} is not a tenant name`);
    }
    decodePacketFields(batch, i, rec);
    // Resolve last so a malformed record never costs a lookup.
    const handle = resolveVnic(vnic, tenant);
    if (typeof handle === 'string') throw new BatchError(i, 'vnic', `${show(vnic)}: ${handle}`);
    if (!Number.isInteger(handle) || handle < 0 || handle > 0xffffffff) {
      throw new RangeError(`vNIC resolver returned ${handle} for ${show(vnic)}; handles are u32`);
    }
    batch.vnic[i] = handle;
  }
  return batch;
}
