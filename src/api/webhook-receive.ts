import type { Context } from 'hono';
import { parseNetboxDelivery } from '../inventory/netbox/parse-netbox-delivery.js';
import { parseVcenterDelivery } from '../inventory/vcenter/index.js';
import { sha256Hex } from '../inventory/signatures/constant-time.js';
import { isNetboxSignatureShaped, verifyNetboxSignature } from '../inventory/signatures/netbox-signature.js';
import { verifyStandardWebhook } from '../inventory/signatures/standard-webhooks.js';
import { getTenant } from '../store/tenants.js';
import { recordDelivery, seenDelivery, type DeliveryRecord } from '../store/webhook-deliveries.js';
import { getWebhookSource, type WebhookSource } from '../store/webhook-sources.js';
import { randomSecret } from './auth/secrets.js';
import type { AppEnv } from './context.js';
import { ApiError, badRequest, unsignedDelivery } from './errors.js';
import { applyEvents } from './webhook-events.js';
import type { DeliveryResult } from '../deliveries/index.js';
import { applyNetbox } from './webhook-netbox.js';
import { applyVcenter } from './webhook-vcenter.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Headers a later replay needs besides the body (CloudEvents binary mode carries attributes in them). */
function keptHeaders(c: Context<AppEnv>): Record<string, string> {
  const out: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    if (name.startsWith('ce-') || name === 'content-type') out[name] = value;
  });
  return out;
}

async function verified(c: Context<AppEnv>, kind: string, body: Uint8Array, source: WebhookSource) {
  if (kind === 'netbox') return verifyNetboxSignature(body, c.req.header('x-hook-signature'), source.secrets);
  const headers = {
    id: c.req.header('webhook-id'),
    timestamp: c.req.header('webhook-timestamp'),
    signature: c.req.header('webhook-signature'),
  };
  return verifyStandardWebhook(body, headers, source.secrets, Date.now());
}

/** NetBox resends the same body; a relay may re-sign a CloudEvent, whose own id then names it. */
async function dedupKeyOf(c: Context<AppEnv>, kind: string, body: Uint8Array, text: string) {
  if (kind === 'netbox') return `sha256:${await sha256Hex(body)}`;
  if (kind === 'vcenter') {
    const structured = parsed(text) as { id?: unknown; source?: unknown; specversion?: unknown } | undefined;
    const envelope = structured?.specversion !== undefined ? structured : undefined;
    const id = c.req.header('ce-id') ?? (typeof envelope?.id === 'string' ? envelope.id : undefined);
    const from = c.req.header('ce-source') ?? (typeof envelope?.source === 'string' ? envelope.source : '');
    // a CloudEvent id is unique per source only: VEBA uses the vCenter event key, which vCenters share
    if (id !== undefined) return `ce:${from}/${id}`;
  }
  return `id:${c.req.header('webhook-id')!}`;
}

const decoded = (body: Uint8Array) => {
  try {
    return utf8.decode(body);
  } catch {
    return '';
  }
};

/** A signed delivery: verified over its raw bytes, then recorded and applied at most once. */
export async function receiveDelivery(c: Context<AppEnv>, t: string, kind: string) {
  const db = c.get('db');
  const body = new Uint8Array(await c.req.arrayBuffer());
  if (kind === 'netbox') {
    // an unsigned request goes no further than this: no writer started, nothing read
    if (!isNetboxSignatureShaped(c.req.header('x-hook-signature'))) throw unsignedDelivery();
    // the tenant's writer holds the source and verifies; a body it could not apply is refused below
    const text = decoded(body);
    const json = parsed(text);
    const p = json === undefined ? undefined : parseNetboxDelivery(json);
    if (p?.ok) {
      const signed = { bytes: body, signature: c.req.header('x-hook-signature') };
      const dedupKey = await dedupKeyOf(c, kind, body, text);
      const job = { id: `d-${randomSecret(12)}`, dedupKey, body: text, headers: keptHeaders(c), signed };
      return applyNetbox(c, t, null, p.delivery, job);
    }
  }
  const source = await getWebhookSource(db, t, kind);
  if (!source?.enabled || !(await verified(c, kind, body, source))) throw unsignedDelivery();
  const text = decoded(body);
  return process(c, t, source, text, keptHeaders(c), await dedupKeyOf(c, kind, body, text));
}

/** A rejected delivery again, its signature having been checked when it arrived. */
export async function replayDelivery(
  c: Context<AppEnv>,
  t: string,
  kind: string,
  body: string,
  headers: Record<string, string>,
  dedupKey: string,
) {
  const source = await getWebhookSource(c.get('db'), t, kind);
  if (!source) throw new ApiError(409, 'no-source', `no ${kind} source is configured any more`);
  return process(c, t, source, body, headers, dedupKey);
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function process(
  c: Context<AppEnv>,
  t: string,
  source: WebhookSource,
  text: string,
  headers: Record<string, string>,
  dedupKey: string,
) {
  const db = c.get('db');
  const record: DeliveryRecord = {
    tenant: t,
    kind: source.kind,
    id: `d-${randomSecret(12)}`,
    dedupKey,
    event: null,
    object: null,
    outcome: 'rejected',
    reason: null,
    revision: null,
    body: null,
    headers: null,
  };
  const refuse = async (problem: string) => {
    await recordDelivery(db, { ...record, reason: problem });
    return badRequest(problem, { delivery: record.id });
  };
  const json = parsed(text);
  if (json === undefined) throw await refuse('body: not a JSON document');
  let apply: () => Promise<DeliveryResult>;
  if (source.kind === 'netbox') {
    const p = parseNetboxDelivery(json);
    if (!p.ok) throw await refuse(p.problem);
    // dedup, staleness and the outcome's record are the tenant writer's: it sees the deliveries beside it
    return applyNetbox(c, t, source, p.delivery, { id: record.id, dedupKey, body: text, headers });
  } else if (source.kind === 'events') {
    const e = json as { type?: unknown };
    record.event = typeof e.type === 'string' ? e.type : null;
    apply = () => applyEvents(c, t, source, json, (object) => (record.object = object), dedupKey);
  } else {
    const p = parseVcenterDelivery({ headers, body: text });
    if (!p.ok) throw await refuse(p.error.message);
    record.event = p.event.eventClass;
    record.object = p.event.vm ? `vm:${p.event.vm.moref ?? p.event.vm.name}` : null;
    apply = () => applyVcenter(c, t, source, p.event, dedupKey);
  }
  if (await seenDelivery(db, t, source.kind, dedupKey)) {
    const revision = (await getTenant(db, t))?.revision ?? null;
    const reason = 'seen before; not applied again';
    await recordDelivery(db, { ...record, outcome: 'duplicate', reason, revision });
    return c.json({ delivery: record.id, outcome: 'duplicate' as const, reason, revision }, 200);
  }
  let result: DeliveryResult;
  try {
    result = await apply();
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) {
      await recordDelivery(db, { ...record, reason: `${err.code}: ${err.message}`, body: text, headers });
      throw new ApiError(422, err.code, err.message, { ...(err.details ?? {}), delivery: record.id });
    }
    if (err instanceof ApiError && err.status === 400) throw await refuse(err.message);
    throw err;
  }
  await recordDelivery(db, { ...record, ...result });
  return c.json({ delivery: record.id, ...result }, 200);
}
