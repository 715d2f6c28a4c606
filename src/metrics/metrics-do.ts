import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.js';

import type { RequestCount } from './metrics-of.js';

/**
 * API request counts of every Worker isolate, summed. Isolates send what they counted at most every few
 * seconds (request-counts.ts), so this one object takes a write per isolate and interval, not per request.
 */
export class MetricsDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS api_requests (method TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (method, route, status))',
    );
  }

  async add(counts: RequestCount[]): Promise<void> {
    const sql = this.ctx.storage.sql;
    for (const { method, route, status, n } of counts)
      sql.exec(
        'INSERT INTO api_requests (method, route, status, n) VALUES (?, ?, ?, ?) ON CONFLICT (method, route, status) DO UPDATE SET n = n + excluded.n',
        method,
        route,
        status,
        n,
      );
  }

  async read(): Promise<RequestCount[]> {
    return this.ctx.storage.sql
      .exec<{ method: string; route: string; status: number; n: number }>(
        'SELECT method, route, status, n FROM api_requests ORDER BY route, method, status',
      )
      .toArray()
      .map((r) => ({ method: r.method, route: r.route, status: r.status, n: r.n }));
  }
}
