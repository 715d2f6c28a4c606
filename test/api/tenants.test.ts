import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from './client.js';

describe('tenants and tokens', () => {
  it('serves health and the OpenAPI document', async () => {
    expect((await call('GET', '/healthz', { token: null })).body).toEqual({ ok: true });
    const doc = await call('GET', '/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/v1/tenants/{t}');
    const docs = await call('GET', '/docs', { token: null });
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('/openapi.json');
  });

  it('creates a tenant with default settings and revision 1', async () => {
    const t = await createTenant('acme');
    expect(t).toMatchObject({
      id: 'acme',
      revision: 1,
      settings: { defaultAction: 'drop', spoofGuard: false },
    });
    const again = await call('POST', '/v1/tenants', { body: { id: 'acme', name: 'x' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already-exists');
  });

  it('rejects missing and wrong tokens with 401', async () => {
    expect((await call('GET', '/v1/tenants/acme', { token: null })).status).toBe(401);
    const wrong = await call('GET', '/v1/tenants/acme', { token: 'ow.abc.def' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect((await call('GET', '/v1/tenants/acme', { token: 'nope' })).status).toBe(401);
  });

  it('answers 400 naming the field for malformed JSON and invalid fields', async () => {
    const bad = await call('POST', '/v1/tenants', { raw: '{"id": "x",' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/malformed JSON/);
    const field = await call('POST', '/v1/tenants', { body: { id: 'bad id!', name: 'n' } });
    expect(field.status).toBe(400);
    expect(field.body.error.message).toMatch(/^body\.id:/);
    const setting = await call('POST', '/v1/tenants', {
      body: { id: 'ok', name: 'n', settings: { defaultAction: 'maybe' } },
    });
    expect(setting.body.error.message).toMatch(/^body\.settings\.defaultAction:/);
    const extra = await call('POST', '/v1/tenants', { body: { id: 'ok', name: 'n', colour: 'red' } });
    expect(extra.status).toBe(400);
  });

  it('patches settings, bumps the revision and honours If-Match', async () => {
    await createTenant('patchy');
    const r = await ok(call('PATCH', '/v1/tenants/patchy', { body: { settings: { spoofGuard: true } } }));
    expect(r.body).toMatchObject({ revision: 2, settings: { spoofGuard: true, defaultAction: 'drop' } });
    expect(r.headers.get('etag')).toBe('"2"');
    const stale = await call('PATCH', '/v1/tenants/patchy', {
      body: { settings: { defaultAction: 'allow' } },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('revision-moved');
    await ok(call('PATCH', '/v1/tenants/patchy', { body: { name: 'P' }, headers: { 'if-match': '"2"' } }));
  });

  it('lets only admins create tenants and tokens; scopes tenant reads', async () => {
    await createTenant('a1');
    await createTenant('b1');
    const editor = await issueToken('editor', { tenant: 'a1' });
    const auditor = await issueToken('auditor', { tenant: 'a1' });
    expect((await call('POST', '/v1/tenants', { token: editor, body: { id: 'z', name: 'z' } })).status).toBe(
      403,
    );
    expect((await call('POST', '/v1/tokens', { token: editor, body: { role: 'admin' } })).status).toBe(403);
    await ok(call('GET', '/v1/tenants/a1', { token: editor }));
    expect((await call('GET', '/v1/tenants/b1', { token: editor })).status).toBe(404);
    expect((await call('GET', '/v1/tenants/b1', { token: auditor })).status).toBe(404);
    expect((await call('PATCH', '/v1/tenants/a1', { token: auditor, body: { name: 'x' } })).status).toBe(403);
    expect((await call('PATCH', '/v1/tenants/b1', { token: editor, body: { name: 'x' } })).status).toBe(404);
    const global = await issueToken('auditor');
    await ok(call('GET', '/v1/tenants/b1', { token: global }));
  });

  it('revokes tokens', async () => {
    await createTenant('rv');
    const res = await ok(call('POST', '/v1/tokens', { body: { role: 'editor', tenant: 'rv' } }), 201);
    await ok(call('GET', '/v1/tenants/rv', { token: res.body.token }));
    await ok(call('DELETE', `/v1/tokens/${res.body.id}`), 204);
    expect((await call('GET', '/v1/tenants/rv', { token: res.body.token })).status).toBe(401);
  });

  it('validates token scopes', async () => {
    const r = await call('POST', '/v1/tokens', { body: { role: 'editor' } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^body\.tenant:/);
    const u = await call('POST', '/v1/tokens', { body: { role: 'editor', tenant: 'ghost' } });
    expect(u.status).toBe(422);
  });
});
