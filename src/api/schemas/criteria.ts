import { z } from '@hono/zod-openapi';
import { MAX_DEPTH } from '../../policy/criteria.js';
import { CRITERIA_FIELDS, CRITERIA_OPS, type Criteria } from '../../policy/types.js';
import { walkJson, type JsonPath } from '../json-walk.js';

const Field = z
  .string()
  .refine(
    (f) => (CRITERIA_FIELDS as readonly string[]).includes(f) || /^attributes\.[^\s]{1,128}$/.test(f),
    `must be one of ${CRITERIA_FIELDS.join(', ')} or attributes.<key>`,
  )
  .openapi({ description: `${CRITERIA_FIELDS.join(', ')} or attributes.<key>`, example: 'tag' });

const Condition = z
  .strictObject({
    field: Field,
    op: z.enum(CRITERIA_OPS),
    value: z
      .union([z.string().max(256), z.array(z.string().max(256)).max(1000)])
      .optional()
      .openapi({ description: 'a list for `in`; none for exists and notExists', example: 'tier=web' }),
  })
  .superRefine((c, ctx) => {
    const list = Array.isArray(c.value);
    if (c.op === 'in' && !list)
      ctx.addIssue({ code: 'custom', path: ['value'], message: '"in" needs a list' });
    if (c.op !== 'in' && list)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a single string` });
    if (c.op !== 'exists' && c.op !== 'notExists' && c.value === undefined)
      ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a value` });
  })
  .openapi('CriteriaCondition', { example: { field: 'tag', op: 'equals', value: 'tier=web' } });

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
    description: `{"all": [expr]}, {"any": [expr]}, {"not": expr} or a condition; nested at most ${MAX_DEPTH} deep`,
    example: {
      all: [
        { field: 'tag', op: 'equals', value: 'tier=web' },
        { not: { field: 'os', op: 'startsWith', value: 'win' } },
      ],
    },
  }) as z.ZodType<Criteria>;

export { MAX_DEPTH as MAX_CRITERIA_DEPTH } from '../../policy/criteria.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The path below `root` of its first node nested deeper than MAX_DEPTH, measured without recursion. */
function tooDeepBelow(root: Record<string, unknown>): JsonPath | null {
  const stack: { node: unknown; depth: number; path: JsonPath }[] = [{ node: root, depth: 0, path: [] }];
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (depth > MAX_DEPTH) return path;
    if (!isObject(node)) continue;
    for (const key of ['all', 'any'] as const) {
      const list = node[key];
      if (Array.isArray(list))
        list.forEach((child, i) => stack.push({ node: child, depth: depth + 1, path: [...path, key, i] }));
    }
    if ('not' in node) stack.push({ node: node.not, depth: depth + 1, path: [...path, 'not'] });
  }
  return null;
}

/** Where, in a parsed body, criteria (any object under a "criteria" key) nest deeper than allowed. */
export function criteriaTooDeep(body: unknown): JsonPath | null {
  let found: JsonPath | null = null;
  walkJson(body, (value, key, path) => {
    if (key !== 'criteria' || !isObject(value)) return false;
    const below = tooDeepBelow(value);
    if (below) found = [...path(), ...below];
    return below !== null;
  });
  return found;
}
