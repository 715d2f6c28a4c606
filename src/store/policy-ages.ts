import { and, eq, max, min } from 'drizzle-orm';
import type { Db } from './db.js';
import { audit } from './schema.js';

/** Per policy id: the times of its first and last audit entry (creation, last change). */
export async function policyAges(
  db: Db,
  tenant: string,
): Promise<Map<string, { createdAt: string | null; changedAt: string | null }>> {
  const rows = await db
    .select({ id: audit.objectId, first: min(audit.at), last: max(audit.at) })
    .from(audit)
    .where(and(eq(audit.tenant, tenant), eq(audit.objectKind, 'policy')))
    .groupBy(audit.objectId)
    .all();
  return new Map(rows.map((r) => [r.id, { createdAt: r.first, changedAt: r.last }]));
}
