import type { z } from '@hono/zod-openapi';
import { errorBody } from './errors.js';

export function formatPath(target: string, path: PropertyKey[]): string {
  let out = target === 'json' ? 'body' : target;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** A 400 body naming every offending field, the first one in the message. */
export function validationError(error: z.ZodError, target: string) {
  const issues = error.issues.map((i) => ({ path: formatPath(target, i.path), message: i.message }));
  const first = issues[0];
  return errorBody('invalid-request', first ? `${first.path}: ${first.message}` : 'invalid request', {
    issues,
  });
}
