import { bytesEqual, hmac } from './constant-time.js';

const TOLERANCE_SECONDS = 5 * 60;
const encoder = new TextEncoder();

export interface StandardWebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

function base64Bytes(text: string): Uint8Array | null {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The HMAC key of a `whsec_<base64>` secret (a secret without the prefix is taken as base64 too). */
function keyOf(secret: string): Uint8Array | null {
  return base64Bytes(secret.startsWith('whsec_') ? secret.slice(6) : secret);
}

/**
 * Standard Webhooks: `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`;
 * the timestamp (Unix seconds) must be within ±5 minutes of `nowMs`.
 */
export async function verifyStandardWebhook(
  body: Uint8Array,
  headers: StandardWebhookHeaders,
  secrets: readonly string[],
  nowMs: number,
): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const given = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => base64Bytes(s.slice(3)))
    .filter((b): b is Uint8Array => b !== null);
  let ok = false;
  for (const secret of secrets) {
    const key = keyOf(secret);
    if (!key?.length) continue;
    const expected = await hmac('SHA-256', key, signed);
    for (const g of given) ok = bytesEqual(expected, g) || ok;
  }
  return ok;
}
