import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from './db.js';
import { audit } from './schema.js';

export interface AuditRecord {
  seq: number;
  revision: number | null;
  at: string;
  actor: string;
  action: string;
  object: { kind: string; id: string };
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  /** "kind/id" or "kind" */
  object?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

export async function listAudit(db: Db, tenant: string, q: AuditQuery): Promise<AuditRecord[]> {
  const where: SQL[] = [eq(audit.tenant, tenant)];
  if (q.object) {
    const [kind, ...rest] = q.object.split('/');
    where.push(eq(audit.objectKind, kind!));
    if (rest.length) where.push(eq(audit.objectId, rest.join('/')));
  }
  if (q.actor) where.push(eq(audit.actor, q.actor));
  if (q.since) where.push(gte(audit.at, q.since));
  if (q.beforeSeq !== undefined) where.push(lt(audit.seq, q.beforeSeq));
  const rows = await db
    .select()
    .from(audit)
    .where(and(...where))
    .orderBy(desc(audit.seq))
    .limit(q.limit)
    .all();
  return rows.map((r) => ({
    seq: r.seq,
    revision: r.revision,
    at: r.at,
    actor: r.actor,
    action: r.action,
    object: { kind: r.objectKind, id: r.objectId },
    before: r.before,
    after: r.after,
  }));
}
