import { createRoute, z } from '@hono/zod-openapi';
import { auditEntryJson, countAudit, listAudit, type AuditRecord } from '../../store/audit-log.js';
import type { Db } from '../../store/db.js';
import {
  assertExportSize,
  EXPORT_PAGE,
  exportFileName,
  exportRange,
  exportResponse,
  type ExportRange,
} from '../evidence-export.js';
import { router } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { ERRORS, ok, security } from '../openapi-helpers.js';
import { Id, TenantParam } from '../schemas/common.js';
import { exportOf, page } from '../schemas/responses.js';

const DOCUMENT_NAMES = ['before', 'after', 'changes'] as const;
const DocumentInfo = z.object({ bytes: z.number().int(), sha256: z.string() }).nullable();

const AuditEntry = z
  .object({
    seq: z.number().int().openapi({ description: 'GET .../audit/{seq} answers this entry in full' }),
    revision: z.number().int().nullable(),
    at: z.string().openapi({ format: 'date-time' }),
    actor: z.string().openapi({ description: 'the id of the token that wrote' }),
    action: z.string().openapi({ example: 'update' }),
    object: z.object({ kind: z.string(), id: z.string() }),
    before: z.unknown().optional().openapi({ description: 'the object before; absent when omitted' }),
    after: z.unknown().optional().openapi({ description: 'the object after; absent when omitted' }),
    changes: z.unknown().optional().openapi({ description: 'RFC 6902 JSON Patch from before to after' }),
    summary: z
      .object({
        fields: z.array(z.string()),
        byId: z.record(z.string(), z.record(z.string(), z.unknown())),
      })
      .nullable()
      .openapi({ description: 'changed fields; per keyed list the ids added, removed, changed, moved' }),
    documents: z.object({ before: DocumentInfo, after: DocumentInfo, changes: DocumentInfo }),
    omitted: z.array(z.enum(DOCUMENT_NAMES)),
  })
  .openapi('AuditEntry');
import { readableTenant } from '../tenant-write.js';

export const auditRoutes = router();

auditRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/audit',
    operationId: 'listAudit',
    summary: 'Read the audit log',
    tags: ['audit'],
    security,
    description:
      'Audit entries, newest first. object is "kind" or "kind/id"; since is an ISO-8601 time. An update ' +
      'carries `changes` (RFC 6902 JSON Patch from before to after) and `summary` (changed fields; ids ' +
      "added, removed, changed, moved). `documents` gives each one's bytes and SHA-256; one too large for a list " +
      '(over 16 KiB) is left out and named in `omitted`: GET .../audit/{seq} has every document in full. ' +
      'With format=csv or json, a download of every entry from since to until (inclusive; until defaults ' +
      'to now), newest first, at most 100,000 entries (a larger range is a 400).',
    request: {
      params: TenantParam,
      query: z.object({
        object: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: '"kind" or "kind/id"', example: 'policy/app' }),
        actor: z.string().max(100).optional().openapi({ description: 'a token id' }),
        since: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
        format: z.enum(['csv', 'json']).optional().openapi({ description: 'a download of the whole range' }),
        limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ default: 100 }),
        cursor: z
          .string()
          .regex(/^\d{1,15}$/, 'not a cursor this API returned')
          .optional()
          .openapi({ description: 'nextCursor of the previous page' }),
      }),
    },
    responses: {
      200: {
        description: 'a page of entries; with format, the download as an attachment',
        content: {
          'application/json': {
            schema: z.union([page(AuditEntry, 'AuditPage'), exportOf(AuditEntry, 'AuditExport')]),
          },
          'text/csv': { schema: z.string() },
        },
      },
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    await readableTenant(c, t);
    const q = c.req.valid('query');
    const limit = q.limit ?? 100;
    const { since, until } = exportRange(q);
    if (q.format) {
      if (q.limit !== undefined || q.cursor !== undefined)
        throw badRequest('query.format: an export reads every page itself; it takes no limit or cursor');
      const range = { since, until: until ?? new Date().toISOString() };
      const filter = { object: q.object, actor: q.actor, ...range };
      assertExportSize(await countAudit(c.get('db'), t, filter), 'audit');
      return exportResponse({
        format: q.format,
        name: exportFileName('audit', t, range),
        range,
        columns: AUDIT_COLUMNS,
        cells: auditCells,
        pages: auditPages(c.get('db'), t, filter),
      }) as never;
    }
    const items = await listAudit(c.get('db'), t, {
      object: q.object,
      actor: q.actor,
      since,
      until,
      beforeSeq: q.cursor ? Number(q.cursor) : undefined,
      limit,
    });
    const last = items.length === limit ? items[items.length - 1] : undefined;
    return c.json({ items, nextCursor: last ? String(last.seq) : null }, 200);
  },
);

auditRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/audit/{seq}',
    operationId: 'getAuditEntry',
    summary: 'Read one audit entry',
    tags: ['audit'],
    security,
    description: 'One audit entry with its before, after and changes in full, however large.',
    request: {
      params: z.object({
        t: Id.openapi({ param: { name: 't', in: 'path' } }),
        seq: z
          .string()
          .regex(/^\d{1,15}$/, 'must be the seq of an audit entry')
          .openapi({ param: { name: 'seq', in: 'path' } }),
      }),
    },
    responses: { 200: ok(AuditEntry, 'the entry, nothing omitted'), ...ERRORS },
  }),
  async (c) => {
    const { t, seq } = c.req.valid('param');
    await readableTenant(c, t);
    const text = await auditEntryJson(c.get('db'), t, Number(seq));
    if (text === null) throw notFound('audit entry', seq);
    // spliced JSON text, not an object: the documents are never parsed
    return new Response(text, { headers: { 'content-type': 'application/json' } }) as never;
  },
);

const AUDIT_COLUMNS = [
  'seq',
  'at',
  'revision',
  'actor',
  'action',
  'object_kind',
  'object_id',
  'summary',
  'changes',
  'before',
  'after',
  'omitted',
];

/** Documents too large for a list stay out here too (named in omitted); GET .../audit/{seq} has them. */
const auditCells = (e: AuditRecord) => [
  e.seq,
  e.at,
  e.revision,
  e.actor,
  e.action,
  e.object.kind,
  e.object.id,
  e.summary,
  e.changes,
  e.before,
  e.after,
  e.omitted.join(' '),
];

async function* auditPages(
  db: Db,
  tenant: string,
  q: ExportRange & { object?: string | undefined; actor?: string | undefined },
): AsyncGenerator<AuditRecord[]> {
  let beforeSeq: number | undefined;
  for (;;) {
    const items = await listAudit(db, tenant, { ...q, beforeSeq, limit: EXPORT_PAGE });
    if (items.length) yield items;
    if (items.length < EXPORT_PAGE) return;
    beforeSeq = items[items.length - 1]!.seq;
  }
}
