import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { ApiRequestError, unwrap } from '../../src/client/api-error.js';
import { createOmniwallClient } from '../../src/client/client.js';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/openapi-types.js';

describe('typed client', () => {
  test('the committed api-types.ts is what the served document generates (run npm run openapi:types)', async () => {
    expect(readFileSync(API_TYPES_FILE, 'utf8')).toBe(await generateApiTypes());
  }, 120_000);

  test("an API refusal becomes an ApiRequestError with the API's code and message", async () => {
    const app = createApp();
    const client = createOmniwallClient({
      url: 'http://omniwall.test/',
      token: 'not-a-token',
      fetch: (req) => Promise.resolve(app.request(req, undefined, { DB: {} } as never)),
    });
    const err = await unwrap(client.GET('/v1/tenants/{t}', { params: { path: { t: 'acme' } } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiRequestError);
    const e = err as ApiRequestError;
    expect(e.status).toBe(401);
    expect(e.code).toBe('unauthorized');
    expect(e.describe()).toBe('401 unauthorized: a valid "Authorization: Bearer <token>" header is required');
  });

  test('no answer at all is status 0, naming the URL', async () => {
    const client = createOmniwallClient({
      url: 'http://omniwall.test',
      token: 't',
      fetch: () =>
        Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })),
    });
    const err = (await unwrap(client.GET('/v1/tenants', {}), 'http://omniwall.test').catch(
      (e: unknown) => e,
    )) as ApiRequestError;
    expect(err.status).toBe(0);
    expect(err.describe()).toBe('cannot reach http://omniwall.test: connect ECONNREFUSED');
  });
});
