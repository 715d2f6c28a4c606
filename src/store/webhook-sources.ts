import { and, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { webhookSources } from './schema.js';

export interface WebhookSource {
  kind: string;
  secrets: string[];
  hypervisors: Record<string, string>;
  enabled: boolean;
}

export async function getWebhookSource(db: Db, tenant: string, kind: string): Promise<WebhookSource | null> {
  const row = await db
    .select()
    .from(webhookSources)
    .where(and(eq(webhookSources.tenant, tenant), eq(webhookSources.kind, kind)))
    .get();
  return row
    ? { kind: row.kind, secrets: row.secrets, hypervisors: row.hypervisors, enabled: row.enabled }
    : null;
}

export function putWebhookSourceStatement(db: Db, tenant: string, s: WebhookSource): Statement {
  const set = { secrets: s.secrets, hypervisors: s.hypervisors, enabled: s.enabled };
  return db
    .insert(webhookSources)
    .values({ tenant, kind: s.kind, ...set })
    .onConflictDoUpdate({ target: [webhookSources.tenant, webhookSources.kind], set });
}

export function deleteWebhookSourceStatement(db: Db, tenant: string, kind: string): Statement {
  return db
    .delete(webhookSources)
    .where(and(eq(webhookSources.tenant, tenant), eq(webhookSources.kind, kind)));
}
