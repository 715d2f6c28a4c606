import { createRoute, z } from '@hono/zod-openapi';
import { auditEntryJson, listAudit } from '../../store/audit-log.js';
import { router } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { AnyObject, ERRORS, ok, security } from '../openapi-helpers.js';
import { Id, TenantParam, page } from '../schemas/common.js';
import { readableTenant } from '../tenant-write.js';

export const auditRoutes = router();

auditRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tenants/{t}/audit',
    tags: ['audit'],
    security,
    description:
      'Audit entries, newest first. object is "kind" or "kind/id"; since is an ISO-8601 time. An update ' +
      'carries `changes` (RFC 6902 JSON Patch from before to after) and `summary` (changed fields; ids ' +
      "added, removed, changed, moved). `documents` gives each one's bytes and SHA-256; one too large for a list " +
      '(over 16 KiB) is left out and named in `omitted`: GET .../audit/{seq} has every document in full.',
    request: {
      params: TenantParam,
      query: z.object({
        object: z.string().max(200).optional(),
        actor: z.string().max(100).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
        cursor: z
          .string()
          .regex(/^\d{1,15}$/, 'not a cursor this API returned')
          .optional(),
      }),
    },
    responses: { 200: ok(page(AnyObject)), ...ERRORS },
  }),
  async (c) => {
    const { t } = c.req.valid('param');
    await readableTenant(c, t);
    const q = c.req.valid('query');
    const limit = q.limit ?? 100;
    let since: string | undefined;
    if (q.since) {
      const d = new Date(q.since);
      if (Number.isNaN(d.getTime())) throw badRequest('query.since: not a time');
      since = d.toISOString();
    }
    const items = await listAudit(c.get('db'), t, {
      object: q.object,
      actor: q.actor,
      since,
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
    responses: { 200: ok(AnyObject), ...ERRORS },
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
