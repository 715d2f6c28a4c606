import { z } from '@hono/zod-openapi';
import { ACTIONS } from '../../policy/types.js';

/** A verdict as the data plane gives it: explain's per hop, a dry run's for a cut flow. */
export const Decision = z
  .object({
    action: z.enum(['allow', 'drop', 'reject']),
    reason: z.string(),
    rule: z.string().nullable(),
    policy: z.string().nullable(),
  })
  .openapi('Decision');

const EvaluatedRule = z
  .object({
    policy: z.string(),
    rule: z.string(),
    action: z.enum(ACTIONS),
    outcome: z.enum(['no-match', 'not-applied', 'skipped-by-jump', 'jumped']),
    field: z.enum(['appliedTo', 'direction', 'disabled', 'services', 'source', 'destination']).nullable(),
    why: z.string(),
    groups: z
      .array(
        z.object({
          group: z.string(),
          member: z.boolean(),
          failedCriteria: z.array(z.string()).optional(),
          why: z.string(),
        }),
      )
      .optional(),
  })
  .openapi('EvaluatedRule');

const HopAnswer = z.object({
  revision: z.number().int().nullable(),
  decision: Decision,
  evaluated: z.array(EvaluatedRule),
});

const Hop = HopAnswer.extend({
  hypervisor: z.string(),
  vnic: z.string(),
  workload: z.string(),
  direction: z.enum(['in', 'out']),
  desiredRevision: z.number().int(),
  realizedRevision: z.number().int().nullable(),
  drift: z.boolean(),
  desired: HopAnswer.optional().openapi({ description: 'with drift: the answer at the desired revision' }),
}).openapi('ExplainHop');

export const Explanation = z
  .object({
    verdict: z.enum(['allow', 'drop', 'reject']),
    packet: z.object({
      src: z.string(),
      dst: z.string(),
      proto: z.number().int(),
      sport: z.number().int(),
      dport: z.number().int(),
      flags: z.string().optional(),
    }),
    hops: z.array(Hop),
  })
  .openapi('Explanation');
