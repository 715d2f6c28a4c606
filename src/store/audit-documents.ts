import { and, eq, inArray } from 'drizzle-orm';
import { canonicalJson } from '../policy/canonical-json.js';
import { chunkRows } from './chunk.js';
import type { Db } from './db.js';
import type { Statement } from './mutation.js';
import { auditDocuments } from './schema.js';

/** Documents up to this many UTF-8 bytes stay in the audit row; larger ones are content-addressed. */
export const INLINE_BYTES = 16 * 1024;
/** UTF-16 units per part: at most 3 UTF-8 bytes each, so a part stays under 1 MB (D1 allows 2 MB). */
const PART_UNITS = 300_000;

const encoder = new TextEncoder();

/** A document as the audit row holds it: its hash and size, and the value inline or the text to store apart. */
export interface AuditSlot {
  inline: unknown;
  hash: string | null;
  bytes: number | null;
  text: string | null;
}

const EMPTY: AuditSlot = { inline: null, hash: null, bytes: null, text: null };

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Canonical JSON (sorted keys) so the same content always has the same hash, whoever serialized it. */
export async function auditSlot(value: unknown): Promise<AuditSlot> {
  if (value === null || value === undefined) return EMPTY;
  const text = canonicalJson(value);
  const bytes = encoder.encode(text);
  const hash = await sha256Hex(bytes);
  if (bytes.length <= INLINE_BYTES) return { inline: value, hash, bytes: bytes.length, text: null };
  return { inline: null, hash, bytes: bytes.length, text };
}

/** Cuts `text` into parts, never between the two halves of a surrogate pair. */
export function splitParts(text: string, units = PART_UNITS): string[] {
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + units);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

/** Inserts for the documents among `slots` not stored yet (a stored body is never stored again). */
export async function storeDocumentStatements(db: Db, slots: AuditSlot[]): Promise<Statement[]> {
  const byHash = new Map<string, string>();
  for (const s of slots) if (s.hash && s.text !== null) byHash.set(s.hash, s.text);
  if (byHash.size === 0) return [];
  const known = new Set<string>();
  for (const hashes of chunkRows([...byHash.keys()], 2)) {
    const rows = await db
      .select({ hash: auditDocuments.hash })
      .from(auditDocuments)
      .where(and(inArray(auditDocuments.hash, hashes), eq(auditDocuments.part, 0)))
      .all();
    for (const r of rows) known.add(r.hash);
  }
  const statements: Statement[] = [];
  for (const [hash, text] of byHash) {
    if (known.has(hash)) continue;
    splitParts(text).forEach((body, part) =>
      statements.push(db.insert(auditDocuments).values({ hash, part, body }).onConflictDoNothing()),
    );
  }
  return statements;
}

/** The JSON text of each stored document named, by hash. */
export async function loadDocuments(db: Db, hashes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const hash of new Set(hashes)) {
    const rows = await db
      .select({ body: auditDocuments.body })
      .from(auditDocuments)
      .where(eq(auditDocuments.hash, hash))
      .orderBy(auditDocuments.part)
      .all();
    if (rows.length) out.set(hash, rows.map((r) => r.body).join(''));
  }
  return out;
}
