import { z } from '@hono/zod-openapi';
import { FINDING_KINDS } from '../../analysis/findings.js';

/** The answer of GET .../analysis (src/analysis/findings.ts). */
const RuleRef = z.object({ policy: z.string(), rule: z.string() }).openapi('RuleRef');

const Fix = z
  .union([
    z.object({ op: z.literal('remove'), rule: RuleRef }),
    z.object({ op: z.literal('reorder'), rule: RuleRef, before: RuleRef }),
    z.object({ op: z.literal('merge'), rule: RuleRef, into: RuleRef }),
    z.object({ op: z.literal('none'), reason: z.string() }),
  ])
  .openapi('Fix', { description: 'a suggested change, as data: nothing is applied' });

const Evidence = z
  .object({
    packet: z
      .object({
        family: z.union([z.literal(4), z.literal(6)]),
        src: z.string(),
        dst: z.string(),
        proto: z.number().int(),
        sport: z.number().int().optional(),
        dport: z.number().int().optional(),
        icmpType: z.number().int().optional(),
        icmpCode: z.number().int().optional(),
      })
      .optional(),
    scope: z
      .object({ direction: z.enum(['in', 'out']), vnic: z.string(), vnics: z.number().int() })
      .optional(),
    coveredByDefault: z.boolean().optional(),
    reason: z
      .enum(['no-vnic', 'no-service', 'no-source-address', 'no-destination-address', 'no-common-family'])
      .optional(),
    hits: z.number().int().optional(),
    lastHit: z.string().nullable().optional(),
    countersSince: z.string().optional(),
    policyCreatedAt: z.string().nullable().optional(),
    policyChangedAt: z.string().nullable().optional(),
    countedFor: z.number().optional(),
    note: z.string().optional(),
  })
  .openapi('Evidence');

const Finding = z
  .object({
    kind: z.enum(FINDING_KINDS),
    rule: RuleRef,
    covering: z.array(RuleRef),
    coveringCount: z.number().int(),
    neverReached: z.boolean().optional(),
    exact: z.boolean(),
    boxCap: z.number().int().optional(),
    message: z.string(),
    evidence: Evidence,
    fix: Fix,
    alternatives: z.array(Fix).optional(),
  })
  .openapi('Finding');

export const Analysis = z
  .object({
    tenant: z.string(),
    revision: z.number().int(),
    generatedAt: z.string().openapi({ format: 'date-time' }),
    lists: z.number().int().openapi({ description: 'distinct vNIC direction rule lists analysed' }),
    rules: z.number().int(),
    boxCap: z.number().int(),
    findings: z.array(Finding),
  })
  .openapi('Analysis');
