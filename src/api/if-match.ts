import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { badRequest, preconditionFailed } from './errors.js';

/** The revision `If-Match` names, or null without the header. */
export function ifMatchRevision(c: Context<AppEnv>): number | null {
  const raw = c.req.header('if-match');
  if (raw === undefined) return null;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(raw);
  if (!m) throw badRequest('If-Match must be a revision like "42"');
  return Number(m[1]);
}

/** 412 when `If-Match` names another revision than the tenant's current one. */
export function assertIfMatch(c: Context<AppEnv>, current: number): void {
  const expected = ifMatchRevision(c);
  if (expected !== null && expected !== current) throw preconditionFailed(current);
}
