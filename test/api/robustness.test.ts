import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN, call } from './client.js';
import { tenantWithEditor } from './fixtures.js';

async function raw(
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string> = {},
) {
  const res = await exports.default.fetch(
    new Request(`http://omniwall.test${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...headers },
      body,
    }),
  );
  return { status: res.status, text: await res.text() };
}

describe('no client input produces a 5xx', () => {
  it('answers 4xx JSON errors for odd bodies, types and paths', async () => {
    await tenantWithEditor('rb');
    const bodies = [
      'null',
      '[]',
      '"x"',
      '42',
      '{',
      '{"entries": null}',
      '{"entries": [{"proto": {}}]}',
      '\u0000',
    ];
    for (const path of [
      '/v1/tenants/rb/services/s',
      '/v1/tenants/rb/policies/p',
      '/v1/tenants/rb/workloads/w',
      '/v1/tenants/rb/groups/g',
      '/v1/tenants/rb/apps/a',
    ]) {
      for (const body of bodies) {
        const r = await raw('PUT', path, body, { 'content-type': 'application/json' });
        expect(r.status, `${path} ${body}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${path} ${body}`).toBeLessThan(500);
        expect(JSON.parse(r.text).error.code, `${path} ${body}`).toBeTypeOf('string');
      }
      const noType = await raw('PUT', path, '{}');
      expect(noType.status, path).toBeGreaterThanOrEqual(400);
      expect(noType.status, path).toBeLessThan(500);
    }
    const packets = ['null', '{"packets": null}', '{"packets": [null]}', '{"packets": [{"vnic": 1}]}', '[]'];
    for (const body of packets) {
      const r = await raw('POST', '/v1/hypervisors/hv-1/packets', body, {
        'content-type': 'application/json',
      });
      expect(r.status, body).toBe(400);
    }
    const text = await raw('POST', '/v1/hypervisors/hv-1/packets', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    for (const path of [
      '/v1/tenants/%ZZ',
      '/v1/tenants/rb/workloads?limit=0',
      '/v1/tenants/rb/workloads?cursor=!!!',
      '/v1/tenants/rb/audit?since=yesterday',
      '/v1/nothing',
    ]) {
      const r = await call('GET', path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
    }
    const badIfMatch = await call('PUT', '/v1/tenants/rb/services/s', {
      body: { entries: [{ proto: 'tcp' }] },
      headers: { 'if-match': 'soon' },
    });
    expect(badIfMatch.status).toBe(400);
  });
});
