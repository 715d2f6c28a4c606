import { and, eq } from 'drizzle-orm';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { references } from './schema.js';
import { chunkRows } from './chunk.js';

export interface Reference {
  kind: 'group' | 'service';
  id: string;
}

/** Replaces what `fromKind/fromId` refers to. */
export function setReferencesStatements(
  db: Db,
  tenant: string,
  fromKind: string,
  fromId: string,
  targets: Reference[],
): Statement[] {
  const unique = [...new Map(targets.map((t) => [`${t.kind}\u0000${t.id}`, t])).values()];
  const statements: Statement[] = [
    db
      .delete(references)
      .where(
        and(eq(references.tenant, tenant), eq(references.fromKind, fromKind), eq(references.fromId, fromId)),
      ),
  ];
  for (const rows of chunkRows(unique, 5)) {
    statements.push(
      db
        .insert(references)
        .values(rows.map((t) => ({ tenant, fromKind, fromId, toKind: t.kind, toId: t.id })))
        .onConflictDoNothing(),
    );
  }
  return statements;
}

export function clearReferencesStatement(
  db: Db,
  tenant: string,
  fromKind: string,
  fromId: string,
): Statement {
  return setReferencesStatements(db, tenant, fromKind, fromId, [])[0]!;
}

/** Who refers to `kind/id`, as "policy/web" strings. */
export async function referrers(db: Db, tenant: string, kind: string, id: string): Promise<string[]> {
  const rows = await db
    .select({ kind: references.fromKind, id: references.fromId })
    .from(references)
    .where(and(eq(references.tenant, tenant), eq(references.toKind, kind), eq(references.toId, id)))
    .all();
  return rows.map((r) => `${r.kind}/${r.id}`).sort();
}
