import { and, asc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Db } from './db.js';
import { tokens } from './schema.js';

export interface StoredToken {
  tokenId: string;
  role: string;
  tenant: string | null;
  hypervisor: string | null;
  hash: string;
  name: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** A token as listed: everything but the hash. */
export interface TokenInfo {
  id: string;
  role: string;
  tenant: string | null;
  hypervisor: string | null;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export async function findToken(db: Db, id: string): Promise<StoredToken | null> {
  const row = await db.select().from(tokens).where(eq(tokens.id, id)).get();
  if (!row) return null;
  return {
    tokenId: row.id,
    hash: row.hash,
    role: row.role,
    tenant: row.tenant,
    hypervisor: row.hypervisor,
    name: row.name,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export async function listTokens(db: Db, after: string | null, limit: number): Promise<TokenInfo[]> {
  const q = db
    .select({
      id: tokens.id,
      role: tokens.role,
      tenant: tokens.tenant,
      hypervisor: tokens.hypervisor,
      name: tokens.name,
      createdAt: tokens.createdAt,
      lastUsedAt: tokens.lastUsedAt,
      expiresAt: tokens.expiresAt,
    })
    .from(tokens);
  return (after ? q.where(gt(tokens.id, after)) : q).orderBy(asc(tokens.id)).limit(limit).all();
}

export async function insertToken(db: Db, t: Omit<StoredToken, 'lastUsedAt'>): Promise<void> {
  await db.insert(tokens).values({
    id: t.tokenId,
    hash: t.hash,
    role: t.role,
    tenant: t.tenant,
    hypervisor: t.hypervisor,
    name: t.name,
    expiresAt: t.expiresAt,
  });
}

/** Records a use unless one at or after `staleBefore` is already recorded (concurrent uses write once). */
export async function touchToken(db: Db, id: string, now: string, staleBefore: string): Promise<void> {
  await db
    .update(tokens)
    .set({ lastUsedAt: now })
    .where(and(eq(tokens.id, id), or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, staleBefore))))
    .run();
}

export async function deleteToken(db: Db, id: string): Promise<boolean> {
  const res = await db.delete(tokens).where(eq(tokens.id, id)).run();
  return (res.meta.changes ?? 0) > 0;
}
