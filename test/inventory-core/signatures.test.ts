import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyNetboxSignature } from '../../src/inventory/signatures/netbox-signature.js';
import { verifyStandardWebhook } from '../../src/inventory/signatures/standard-webhooks.js';

const shared = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'webhooks', 'netbox');
const captured = new Uint8Array(readFileSync(path.join(shared, 'captured-v4.6.0-ipaddress-created.json')));
const legacy = new Uint8Array(
  readFileSync(path.join(shared, 'captured-v4.0-ipaddress-deleted-legacy-model-key.json')),
);
const capturedSignature =
  'f756f462809c6cb1a7b4d3a47a7ea6216a3f7ca84aa411f5bb2bc95439831868ae7a89675dcbefe9d07aff8647d53a31b6d75a0f9c720c60660e44946e8eb968';

describe('NetBox X-Hook-Signature', () => {
  it('accepts the captured v4.6.0 delivery with its secret, from either of two secrets', async () => {
    expect(await verifyNetboxSignature(captured, capturedSignature, ['test-webhook-secret-123'])).toBe(true);
    expect(await verifyNetboxSignature(captured, capturedSignature, ['old', 'test-webhook-secret-123'])).toBe(
      true,
    );
  });

  it('refuses a wrong secret, a missing or malformed signature, an altered byte', async () => {
    expect(await verifyNetboxSignature(captured, capturedSignature, ['another-secret'])).toBe(false);
    expect(await verifyNetboxSignature(captured, undefined, ['test-webhook-secret-123'])).toBe(false);
    expect(
      await verifyNetboxSignature(captured, capturedSignature.toUpperCase(), ['test-webhook-secret-123']),
    ).toBe(false);
    const altered = captured.slice();
    altered[10] = altered[10]! ^ 1;
    expect(await verifyNetboxSignature(altered, capturedSignature, ['test-webhook-secret-123'])).toBe(false);
  });

  it('refuses the v4.0 delivery for any secret we know', async () => {
    const header = '58eb118a'.padEnd(128, '0');
    for (const secret of ['test-webhook-secret-123', 'secret', ''])
      expect(await verifyNetboxSignature(legacy, header, [secret])).toBe(false);
  });
});

describe('Standard Webhooks signature', () => {
  const body = new TextEncoder().encode('{"test": 2432232314}');
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const headers = {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: '1614265330',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const at = 1614265330 * 1000;

  it('accepts the spec test vector at its time, also among several signatures', async () => {
    expect(await verifyStandardWebhook(body, headers, [secret], at + 60_000)).toBe(true);
    const several = { ...headers, signature: `v1,AAAA v2,xyz ${headers.signature}` };
    expect(await verifyStandardWebhook(body, several, ['whsec_AAAA', secret], at)).toBe(true);
  });

  it('refuses a stale or future timestamp, a wrong secret, an altered body or id, no signature', async () => {
    expect(await verifyStandardWebhook(body, headers, [secret], at + 5 * 60_000 + 1000)).toBe(false);
    expect(await verifyStandardWebhook(body, headers, [secret], at - 6 * 60_000)).toBe(false);
    expect(await verifyStandardWebhook(body, headers, ['whsec_c2VjcmV0'], at)).toBe(false);
    const altered = body.slice();
    altered[3] = altered[3]! ^ 1;
    expect(await verifyStandardWebhook(altered, headers, [secret], at)).toBe(false);
    expect(await verifyStandardWebhook(body, { ...headers, id: 'msg_other' }, [secret], at)).toBe(false);
    expect(await verifyStandardWebhook(body, { ...headers, signature: undefined }, [secret], at)).toBe(false);
  });
});
