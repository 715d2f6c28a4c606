import { BatchError } from './batch-errors.js';
import { allocBatch, type PacketBatch } from './packet-batch.js';
import { asRecord, decodePacketFields, show, type PacketFields } from './packet-fields.js';

/** A packet in the JSON shape but with a numeric vNIC handle, for tests and clients. */
export interface PacketInput extends PacketFields {
  vnic: number;
  tenant?: string;
}

/** Builds a batch from readable packets, validating them exactly as the JSON decoder does. */
export function packetsToBatch(packets: readonly PacketInput[]): PacketBatch {
  const batch = allocBatch(packets.length);
  for (let i = 0; i < packets.length; i++) {
    const rec = asRecord(packets[i], i);
    const vnic = rec.vnic;
    if (typeof vnic !== 'number' || !Number.isInteger(vnic) || vnic < 0 || vnic > 0xffffffff) {
      throw new BatchError(i, 'vnic', `${show(vnic)} is not a u32 handle`);
    }
    decodePacketFields(batch, i, rec);
    batch.vnic[i] = vnic;
  }
  return batch;
}
