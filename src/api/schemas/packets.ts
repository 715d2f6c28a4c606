import { z } from '@hono/zod-openapi';
import { ACTION, REASON, type ActionName, type ReasonName } from '../../dataplane/codec/index.js';

/**
 * SPEC §4, JSON wire format. Documentation only: the hypervisor object decodes batches itself
 * (src/dataplane/codec/json-batch.ts), refusing a bad one whole and naming its first bad record.
 */
const Port = z.number().int().min(0).max(65535);
const Address = z.string().openapi({ description: 'IPv4 or IPv6 address', example: '10.0.1.5' });

const Packet = z
  .strictObject({
    vnic: z.string().min(1).openapi({ description: 'the vNIC id', example: 'web-1-eth0' }),
    tenant: z.string().min(1).optional().openapi({ description: 'when vNIC ids repeat across tenants' }),
    dir: z.enum(['in', 'out']).openapi({ description: 'as seen at the vNIC' }),
    src: Address,
    dst: Address,
    proto: z.number().int().min(0).max(255).openapi({ description: 'IP protocol number', example: 6 }),
    sport: Port.optional().openapi({ description: 'ICMP: the type, or the echo identifier' }),
    dport: Port.optional().openapi({ description: 'ICMP: the code' }),
    flags: z.string().optional().openapi({ description: 'TCP flags over FSRPAUEC', example: 'S' }),
    len: z.number().int().min(0).optional().openapi({ description: 'bytes, for the counters' }),
    type: z.number().int().min(0).max(255).optional().openapi({ description: 'ICMP type (else sport)' }),
    code: z.number().int().min(0).max(255).optional().openapi({ description: 'ICMP code (else dport)' }),
    id: Port.optional().openapi({ description: 'ICMP echo identifier' }),
    inner: z
      .strictObject({
        src: Address,
        dst: Address,
        proto: z.number().int(),
        sport: Port.optional(),
        dport: Port.optional(),
      })
      .optional()
      .openapi({ description: 'ICMP errors: the quoted header, which lets the error pass as related' }),
  })
  .openapi('Packet');

export const PacketBatch = z
  .strictObject({ packets: z.array(Packet).max(16384) })
  .openapi('PacketBatch', { description: 'at most 16,384 packets' });

export const VerdictBatch = z
  .object({
    verdicts: z.array(
      z
        .object({
          action: z.enum(Object.keys(ACTION) as [ActionName, ...ActionName[]]),
          rule: z.string().nullable(),
          policy: z.string().nullable(),
          reason: z.enum(Object.keys(REASON) as [ReasonName, ...ReasonName[]]),
        })
        .openapi('Verdict'),
    ),
  })
  .openapi('VerdictBatch');
