import { bytesEqual, hmac } from './constant-time.js';

const HEX = /^[0-9a-f]{128}$/;

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Whether a header could be a NetBox signature at all: checked before anything is looked up. */
export const isNetboxSignatureShaped = (header: string | undefined): header is string =>
  header !== undefined && HEX.test(header);

/** NetBox `X-Hook-Signature`: lowercase hex HMAC-SHA512 of the raw body, keyed with one of the secrets. */
export async function verifyNetboxSignature(
  body: Uint8Array,
  header: string | undefined,
  secrets: readonly string[],
): Promise<boolean> {
  if (!isNetboxSignatureShaped(header)) return false;
  const given = hexBytes(header);
  let ok = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = await hmac('SHA-512', new TextEncoder().encode(secret), body);
    ok = bytesEqual(expected, given) || ok;
  }
  return ok;
}
