import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Env } from '../env.js';
import { requestCounts } from './request-counts.js';

/** The route pattern that answered (e.g. /v1/tenants/:t/audit), never the raw path: bounded labels. */
function routeOf(c: Context): string {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  return matchedRoutes(c).findLast((r) => r.method === method)?.path ?? 'unmatched';
}

function deferOf(c: Context): ((work: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx;
    return (work) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}

/** Counts every answered request (errors included) in this isolate's buffer; see request-counts.ts. */
export const countRequests = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  await next();
  requestCounts.record(c.env, c.req.method, routeOf(c), c.res.status, deferOf(c));
});
