import { createRoute, z } from '@hono/zod-openapi';
import { secretFingerprint } from '../../inventory/signatures/constant-time.js';
import {
  deleteWebhookSourceStatement,
  getWebhookSource,
  putWebhookSourceStatement,
  type WebhookSource,
} from '../../store/webhook-sources.js';
import { getDelivery, listDeliveries, type DeliveryOutcome } from '../../store/webhook-deliveries.js';
import { assertTenantWrite } from '../auth/principal.js';
import { router } from '../context.js';
import { badRequest, conflict, notFound, unprocessable } from '../errors.js';
import {
  ERRORS,
  ETAG,
  jsonBody,
  noContent,
  ok,
  REALIZATION_HEADERS,
  security,
  signed,
  WRITE_HEADERS,
  WriteRequestHeaders,
} from '../openapi-helpers.js';
import { Id, PageQuery, TenantParam } from '../schemas/common.js';
import { page } from '../schemas/responses.js';
import { WEBHOOK_KINDS, WebhookSourceBody } from '../schemas/webhook-source.js';
import { readableTenant, writeTenant } from '../tenant-write.js';
import { receiveDelivery, replayDelivery } from '../webhook-receive.js';

export const webhookRoutes = router();

const Kind = z.enum(WEBHOOK_KINDS).openapi({ param: { name: 'kind', in: 'path' } });
const SourceParams = TenantParam.extend({ kind: Kind });

const SourceView = z
  .object({
    kind: z.string().openapi({ enum: [...WEBHOOK_KINDS] }),
    secrets: z.array(z.object({ fingerprint: z.string() })),
    hypervisors: z.record(z.string(), z.string()),
    enabled: z.boolean(),
  })
  .openapi('WebhookSource');

const deliveryHeader = (description: string) =>
  z
    .string()
    .optional()
    .openapi({ param: { in: 'header', description } });

/** Besides the signature schemes: what identifies a delivery (webhook-receive.ts reads them). */
const DeliveryHeaders = z.object({
  'webhook-id': deliveryHeader(
    'Standard Webhooks: the message id, also the key deliveries are deduplicated by',
  ),
  'webhook-timestamp': deliveryHeader('Standard Webhooks: seconds since the epoch, signed with the body'),
  'ce-id': deliveryHeader('CloudEvents binary mode (events): the event id'),
  'ce-source': deliveryHeader('CloudEvents binary mode (events): the event source'),
});

const DeliveryAnswer = z
  .object({
    delivery: z.string().openapi({ description: 'the delivery id, for GET .../deliveries and replay' }),
    outcome: z.enum(['applied', 'duplicate', 'stale', 'ignored']),
    reason: z.string().nullable(),
    revision: z.number().int().nullable(),
  })
  .openapi('DeliveryReceipt');

/** What may be shown or audited of a source: the secrets only by fingerprint. */
async function publicView(s: WebhookSource) {
  return {
    kind: s.kind,
    secrets: await Promise.all(s.secrets.map(async (x) => ({ fingerprint: await secretFingerprint(x) }))),
    hypervisors: s.hypervisors,
    enabled: s.enabled,
  };
}

/** New secrets as sent; a `{fingerprint}` keeps the stored one it names, so a GET can be PUT back. */
async function keptSecrets(
  secrets: (string | { fingerprint: string })[],
  before: WebhookSource | null,
): Promise<string[]> {
  const stored = await Promise.all(
    (before?.secrets ?? []).map(async (s) => ({ secret: s, fingerprint: await secretFingerprint(s) })),
  );
  return secrets.map((s, i) => {
    if (typeof s === 'string') return s;
    const kept = stored.find((x) => x.fingerprint === s.fingerprint);
    if (!kept)
      throw unprocessable(
        'unknown-secret',
        `body.secrets[${i}].fingerprint: no stored secret has fingerprint ${s.fingerprint}`,
      );
    return kept.secret;
  });
}

const STANDARD_SECRET = /^whsec_(?:[A-Za-z0-9+/]{4}){2,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const sourcePath = '/v1/tenants/{t}/webhooks/{kind}';
const tags = ['webhooks'];

webhookRoutes.openapi(
  createRoute({
    method: 'put',
    path: sourcePath,
    operationId: 'putWebhookSource',
    summary: 'Configure an inventory source',
    tags,
    security,
    description:
      'Configures an inventory source (SPEC §7). Secrets are write-only: answers and the audit log show ' +
      'their fingerprints. Honours If-Match.',
    request: {
      params: SourceParams,
      headers: WriteRequestHeaders,
      body: jsonBody(WebhookSourceBody, {
        secrets: ['a-shared-secret-of-netbox'],
        hypervisors: { 'esx-01': 'hv-1' },
      }),
    },
    responses: {
      200: ok(SourceView, 'replaced or unchanged', WRITE_HEADERS),
      201: ok(SourceView, 'created', WRITE_HEADERS),
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t, kind } = c.req.valid('param');
    const { kind: bodyKind, secrets, ...rest } = c.req.valid('json');
    if (bodyKind !== undefined && bodyKind !== kind)
      throw badRequest(`body.kind: "${bodyKind}" differs from the path kind "${kind}"`);
    if (kind !== 'netbox')
      secrets.forEach((secret, i) => {
        if (typeof secret === 'string' && !STANDARD_SECRET.test(secret))
          throw badRequest(
            `body.secrets[${i}]: a ${kind} secret is whsec_ and the key in base64 (Standard Webhooks)`,
          );
      });
    let created = false;
    const out = await writeTenant(c, t, async (_tenant, db) => {
      const before = await getWebhookSource(db, t, kind);
      const next: WebhookSource = { kind, secrets: await keptSecrets(secrets, before), ...rest };
      const view = await publicView(next);
      if (before && JSON.stringify(before) === JSON.stringify(next)) return { unchanged: view };
      created = before === null;
      return {
        result: view,
        statements: [putWebhookSourceStatement(db, t, next)],
        audit: [
          {
            action: before ? 'update' : 'create',
            kind: 'webhook-source',
            id: kind,
            before: before && (await publicView(before)),
            after: view,
          },
        ],
      };
    });
    return c.json(out.result, created ? 201 : 200);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: 'get',
    path: sourcePath,
    operationId: 'getWebhookSource',
    summary: 'Read an inventory source',
    tags,
    security,
    request: { params: SourceParams },
    responses: { 200: ok(SourceView, 'the source, secrets by fingerprint', ETAG), ...ERRORS },
  }),
  async (c) => {
    const { t, kind } = c.req.valid('param');
    const tenant = await readableTenant(c, t);
    const source = await getWebhookSource(c.get('db'), t, kind);
    if (!source) throw notFound('webhook source', kind);
    c.header('ETag', `"${tenant.revision}"`);
    return c.json(await publicView(source), 200);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: 'delete',
    path: sourcePath,
    operationId: 'deleteWebhookSource',
    summary: 'Remove an inventory source',
    description: 'Honours If-Match.',
    tags,
    security,
    request: { params: SourceParams, headers: WriteRequestHeaders },
    responses: { 204: noContent('deleted', WRITE_HEADERS), ...ERRORS },
  }),
  async (c) => {
    const { t, kind } = c.req.valid('param');
    await writeTenant(c, t, async (_tenant, db) => {
      const before = await getWebhookSource(db, t, kind);
      if (!before) throw notFound('webhook source', kind);
      return {
        result: null,
        statements: [deleteWebhookSourceStatement(db, t, kind)],
        audit: [
          {
            action: 'delete',
            kind: 'webhook-source',
            id: kind,
            before: await publicView(before),
            after: null,
          },
        ],
      };
    });
    return c.body(null, 204);
  },
);

const Delivery = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    event: z.string().nullable(),
    object: z.string().nullable(),
    outcome: z.enum(['applied', 'duplicate', 'stale', 'ignored', 'rejected']),
    reason: z.string().nullable(),
    revision: z.number().nullable(),
  })
  .openapi('WebhookDelivery');

webhookRoutes.openapi(
  createRoute({
    method: 'get',
    path: `${sourcePath}/deliveries`,
    operationId: 'listWebhookDeliveries',
    summary: 'List deliveries of a source',
    tags,
    security,
    description: 'Every delivery to this source, newest first.',
    request: { params: SourceParams, query: PageQuery },
    responses: { 200: ok(page(Delivery, 'WebhookDeliveryPage')), ...ERRORS },
  }),
  async (c) => {
    const { t, kind } = c.req.valid('param');
    await readableTenant(c, t);
    const q = c.req.valid('query');
    let before: number | null = null;
    if (q.cursor) {
      before = Number(q.cursor);
      if (!Number.isSafeInteger(before)) throw badRequest('query.cursor: not a cursor this API returned');
    }
    const limit = q.limit ?? 100;
    const rows = await listDeliveries(c.get('db'), t, kind, before, limit);
    const items = rows.map(({ seq: _seq, ...rest }) => ({
      ...rest,
      outcome: rest.outcome as DeliveryOutcome,
    }));
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    return c.json({ items, nextCursor: last ? String(last.seq) : null }, 200);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: `${sourcePath}/deliveries/{id}/replay`,
    operationId: 'replayWebhookDelivery',
    summary: 'Replay a rejected delivery',
    tags,
    security,
    description:
      'Applies a rejected delivery again (once the hypervisors map is fixed); recorded as a new delivery.',
    request: { params: SourceParams.extend({ id: Id.openapi({ param: { name: 'id', in: 'path' } }) }) },
    responses: {
      200: ok(DeliveryAnswer, 'the new delivery and its outcome', REALIZATION_HEADERS),
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t, kind, id } = c.req.valid('param');
    assertTenantWrite(c.get('principal'), t);
    const delivery = await getDelivery(c.get('db'), t, kind, id);
    if (!delivery) throw notFound('delivery', id);
    if (delivery.outcome !== 'rejected' || delivery.body === null)
      throw conflict('not-replayable', `delivery "${id}" was ${delivery.outcome}; only rejected ones replay`);
    return replayDelivery(c, t, kind, delivery.body, delivery.headers ?? {}, delivery.dedupKey);
  },
);

webhookRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/webhooks/{t}/{kind}',
    operationId: 'receiveWebhook',
    summary: 'Receive an inventory delivery',
    security: signed,
    tags,
    description:
      'An inventory delivery, authenticated by its signature alone (NetBox X-Hook-Signature; Standard ' +
      'Webhooks for vcenter and events). 401 for anything unverifiable, whatever the reason.',
    request: {
      params: SourceParams,
      headers: DeliveryHeaders,
      // declared as bytes so no validator re-reads (and re-serializes) the body the signature covers
      body: {
        required: true,
        description: 'the JSON the source sends (application/json or application/cloudevents+json)',
        content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
      },
    },
    responses: {
      200: ok(
        DeliveryAnswer,
        'applied, or why not (a duplicate or stale one changes nothing)',
        REALIZATION_HEADERS,
      ),
      ...ERRORS,
      429: { description: 'the tenant is busy; retry after a second', content: ERRORS[409].content },
    },
  }),
  async (c) => {
    const { t, kind } = c.req.valid('param');
    return receiveDelivery(c, t, kind);
  },
);
