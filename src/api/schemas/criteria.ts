import { z } from '@hono/zod-openapi';
import { CRITERIA_FIELDS, CRITERIA_OPS, type Criteria } from '../../policy/types.js';

const Field = z
  .string()
  .refine(
    (f) => (CRITERIA_FIELDS as readonly string[]).includes(f) || /^attributes\.[^\s]{1,128}$/.test(f),
    `must be one of ${CRITERIA_FIELDS.join(', ')} or attributes.<key>`,
  );

const Condition = z
  .strictObject({
    field: Field,
    op: z.enum(CRITERIA_OPS),
    value: z.union([z.string().max(256), z.array(z.string().max(256)).max(1000)]).optional(),
  })
  .superRefine((c, ctx) => {
    const list = Array.isArray(c.value);
    if (c.op === 'in' && !list)
      ctx.addIssue({ code: 'custom', path: ['value'], message: '"in" needs a list' });
    if (c.op !== 'in' && list)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a single string` });
    if (c.op !== 'exists' && c.op !== 'notExists' && c.value === undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a value` });
  });

export const CriteriaSchema: z.ZodType<Criteria> = z
  .lazy(() =>
    z.union([
      z.strictObject({ all: z.array(CriteriaSchema).min(1).max(100) }),
      z.strictObject({ any: z.array(CriteriaSchema).min(1).max(100) }),
      z.strictObject({ not: CriteriaSchema }),
      Condition,
    ]),
  )
  .openapi('Criteria', {
    description:
      '{"all": [expr]}, {"any": [expr]}, {"not": expr} or {"field", "op", "value"}; field is name, os, user, hypervisor, tag or attributes.<key>',
    type: 'object',
  }) as z.ZodType<Criteria>;
