import { and, count, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { diffDocuments, type ChangeSummary } from '../policy/document-diff.js';
import { auditSlot, loadDocuments, storeDocumentStatements, type AuditSlot } from './audit-documents.js';
import type { Db } from './db.js';
import type { AuditEntry, Statement } from './mutation.js';
import { audit } from './schema.js';

type AuditRow = typeof audit.$inferSelect;
const DOCUMENTS = ['before', 'after', 'changes'] as const;
type DocumentName = (typeof DOCUMENTS)[number];

export interface AuditRecord {
  seq: number;
  revision: number | null;
  at: string;
  actor: string;
  action: string;
  object: { kind: string; id: string };
  /** absent (and named in `omitted`) when too large for a list: GET .../audit/{seq} has it */
  before?: unknown;
  after?: unknown;
  /** an update as an RFC 6902 JSON Patch from before to after; null for a create or delete */
  changes?: unknown;
  summary: ChangeSummary | null;
  /** size (UTF-8 bytes) and SHA-256 of each document's canonical JSON; null when there is none */
  documents: Record<DocumentName, DocumentInfo | null>;
  omitted: DocumentName[];
}

export interface DocumentInfo {
  bytes: number;
  sha256: string;
}

export interface AuditQuery {
  /** "kind/id" or "kind" */
  object?: string | undefined;
  actor?: string | undefined;
  since?: string | undefined;
  /** ISO time, inclusive */
  until?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

/**
 * The audit rows of one commit: each document inline when small, else content-addressed in
 * audit_documents (stored once whatever the number of entries naming it); an update also records its
 * JSON Patch and a bounded summary, so one changed rule of a 20,000-rule policy is a small entry.
 */
export async function auditStatements(
  db: Db,
  tenant: string,
  revision: SQL<number>,
  actor: string,
  entries: readonly AuditEntry[],
): Promise<Statement[]> {
  const slots: AuditSlot[] = [];
  const rows: Statement[] = [];
  for (const a of entries) {
    const before = await auditSlot(a.before);
    const after = await auditSlot(a.after);
    const diff =
      a.action === 'update' && a.before != null && a.after != null ? diffDocuments(a.before, a.after) : null;
    const changes = await auditSlot(diff?.patch);
    slots.push(before, after, changes);
    rows.push(
      db.insert(audit).values({
        tenant,
        revision,
        actor,
        action: a.action,
        objectKind: a.kind,
        objectId: a.id,
        before: before.inline,
        after: after.inline,
        beforeHash: before.hash,
        afterHash: after.hash,
        beforeBytes: before.bytes,
        afterBytes: after.bytes,
        changes: changes.inline,
        changesHash: changes.hash,
        changesBytes: changes.bytes,
        summary: diff?.summary ?? null,
      }),
    );
  }
  return [...(await storeDocumentStatements(db, slots)), ...rows];
}

function toRecord(r: AuditRow): AuditRecord {
  const record: AuditRecord = {
    seq: r.seq,
    revision: r.revision,
    at: r.at,
    actor: r.actor,
    action: r.action,
    object: { kind: r.objectKind, id: r.objectId },
    summary: (r.summary as ChangeSummary | null) ?? null,
    documents: { before: null, after: null, changes: null },
    omitted: [],
  };
  const { hashes, bytes, inline } = columns(r);
  for (const name of DOCUMENTS) {
    const hash = hashes[name];
    if (hash !== null && bytes[name] !== null) record.documents[name] = { bytes: bytes[name], sha256: hash };
    if (storedApart(hashes[name], inline[name])) record.omitted.push(name);
    else record[name] = inline[name] ?? null;
  }
  return record;
}

function columns(r: AuditRow) {
  return {
    hashes: { before: r.beforeHash, after: r.afterHash, changes: r.changesHash },
    bytes: { before: r.beforeBytes, after: r.afterBytes, changes: r.changesBytes },
    inline: { before: r.before, after: r.after, changes: r.changes },
  };
}

/** Every document has a hash; only one too large to keep inline has no inline value. */
const storedApart = (hash: string | null, inline: unknown) => hash !== null && inline == null;

function auditWhere(tenant: string, q: Omit<AuditQuery, 'limit'>): SQL[] {
  const where: SQL[] = [eq(audit.tenant, tenant)];
  if (q.object) {
    const [kind, ...rest] = q.object.split('/');
    where.push(eq(audit.objectKind, kind!));
    if (rest.length) where.push(eq(audit.objectId, rest.join('/')));
  }
  if (q.actor) where.push(eq(audit.actor, q.actor));
  if (q.since) where.push(gte(audit.at, q.since));
  if (q.until) where.push(lte(audit.at, q.until));
  if (q.beforeSeq !== undefined) where.push(lt(audit.seq, q.beforeSeq));
  return where;
}

/** How many entries match (an export's size, known before its first byte). */
export async function countAudit(db: Db, tenant: string, q: Omit<AuditQuery, 'limit'>): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(audit)
    .where(and(...auditWhere(tenant, q)))
    .get();
  return row?.n ?? 0;
}

export async function listAudit(db: Db, tenant: string, q: AuditQuery): Promise<AuditRecord[]> {
  const where = auditWhere(tenant, q);
  const rows = await db
    .select()
    .from(audit)
    .where(and(...where))
    .orderBy(desc(audit.seq))
    .limit(q.limit)
    .all();
  return rows.map(toRecord);
}

/**
 * One entry with every document in full, as JSON text: stored documents are spliced in as they are
 * kept (canonical JSON), never parsed, so a 20,000-rule before and after cost their text only.
 */
export async function auditEntryJson(db: Db, tenant: string, seq: number): Promise<string | null> {
  const row = await db
    .select()
    .from(audit)
    .where(and(eq(audit.tenant, tenant), eq(audit.seq, seq)))
    .get();
  if (!row) return null;
  const { before: _b, after: _a, changes: _c, omitted: _o, ...meta } = toRecord(row);
  const { hashes, inline } = columns(row);
  const apart = DOCUMENTS.filter((d) => storedApart(hashes[d], inline[d]));
  const stored = await loadDocuments(
    db,
    apart.map((d) => hashes[d]!),
  );
  let text = JSON.stringify(meta).slice(0, -1);
  for (const name of DOCUMENTS) {
    const hash = hashes[name];
    const doc = apart.includes(name) ? stored.get(hash!) : JSON.stringify(inline[name] ?? null);
    if (doc === undefined) throw new Error(`audit entry ${seq}: document ${hash} is missing`);
    text += `,${JSON.stringify(name)}:${doc}`;
  }
  return `${text}}`;
}
