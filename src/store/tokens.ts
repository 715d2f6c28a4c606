import { eq } from 'drizzle-orm';
import type { Db } from './db.js';
import { tokens } from './schema.js';

export interface StoredToken {
  tokenId: string;
  role: string;
  tenant: string | null;
  hypervisor: string | null;
  hash: string;
  name: string | null;
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
  };
}

export async function insertToken(db: Db, t: StoredToken): Promise<void> {
  await db.insert(tokens).values({
    id: t.tokenId,
    hash: t.hash,
    role: t.role,
    tenant: t.tenant,
    hypervisor: t.hypervisor,
    name: t.name,
  });
}

export async function deleteToken(db: Db, id: string): Promise<boolean> {
  const res = await db.delete(tokens).where(eq(tokens.id, id)).run();
  return (res.meta.changes ?? 0) > 0;
}
