import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/api/auth/secrets.js';
import { TOKEN_CACHE_MS } from '../../src/api/auth/token-cache.js';
import { openDb } from '../../src/store/db.js';
import { tokens } from '../../src/store/schema.js';
import { call, createTenant, issueToken, ok } from './client.js';

interface Listed {
  id: string;
  role: string;
  tenant: string | null;
  hypervisor: string | null;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function issue(body: Record<string, unknown>) {
  return (await ok(call('POST', '/v1/tokens', { body }), 201)).body as { id: string; token: string };
}

async function listAll(limit = 100): Promise<{ items: Listed[]; pages: number }> {
  const items: Listed[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = `?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const r = await ok(call('GET', `/v1/tokens${q}`));
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
    pages++;
  } while (cursor);
  return { items, pages };
}

async function listed(id: string): Promise<Listed | undefined> {
  return (await listAll()).items.find((t) => t.id === id);
}

describe('GET /v1/tokens', () => {
  it('lists issued tokens with their scope and never a secret or hash', async () => {
    await createTenant('tok-a');
    await ok(call('PUT', '/v1/hypervisors/tok-hv', { body: { name: 'tok-hv' } }), 201);
    const editor = await issue({ role: 'editor', tenant: 'tok-a', name: 'ci pipeline' });
    const agent = await issue({ role: 'agent', hypervisor: 'tok-hv' });
    const r = await ok(call('GET', '/v1/tokens'));
    const text = JSON.stringify(r.body);
    for (const t of [editor, agent]) {
      expect(text).not.toContain(t.token.split('.')[2]);
      expect(text).not.toContain(await sha256Hex(t.token));
    }
    const e = r.body.items.find((t: Listed) => t.id === editor.id);
    expect(e).toEqual({
      id: editor.id,
      role: 'editor',
      tenant: 'tok-a',
      hypervisor: null,
      name: 'ci pipeline',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      lastUsedAt: null,
      expiresAt: null,
    });
    expect(r.body.items.find((t: Listed) => t.id === agent.id)).toMatchObject({
      role: 'agent',
      tenant: null,
      hypervisor: 'tok-hv',
    });
  });

  it('pages with limit and cursor, every token exactly once', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await issue({ role: 'auditor', name: `page-${i}` })).id);
    const whole = await listAll(100);
    const paged = await listAll(2);
    expect(paged.pages).toBeGreaterThanOrEqual(Math.ceil(whole.items.length / 2));
    expect(paged.items.map((t) => t.id)).toEqual(whole.items.map((t) => t.id));
    expect(new Set(paged.items.map((t) => t.id)).size).toBe(paged.items.length);
    expect(paged.items.map((t) => t.id)).toEqual(expect.arrayContaining(ids));
    expect((await call('GET', '/v1/tokens?limit=0')).status).toBe(400);
    expect((await call('GET', '/v1/tokens?cursor=%%%')).status).toBe(400);
  });

  it('is for admins only', async () => {
    await createTenant('tok-b');
    const editor = await issueToken('editor', { tenant: 'tok-b' });
    const auditor = await issueToken('auditor');
    for (const token of [editor, auditor]) {
      const r = await call('GET', '/v1/tokens', { token });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
  });

  it('drops a revoked token from the list, and it no longer authenticates', async () => {
    const t = await issue({ role: 'auditor', name: 'to revoke' });
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    await ok(call('DELETE', `/v1/tokens/${t.id}`), 204);
    expect(await listed(t.id)).toBeUndefined();
    expect((await call('GET', '/v1/tenants/tok-a', { token: t.token })).status).toBe(401);
    expect((await call('DELETE', `/v1/tokens/${t.id}`)).status).toBe(404);
  });
});

describe('token reads kept for a second', () => {
  it('refuses a token at once after its revocation, even with uses of it racing the DELETE', async () => {
    const t = await issue({ role: 'auditor', name: 'racing a revoke' });
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    const racing = Array.from({ length: 12 }, () => call('GET', '/v1/tenants/tok-a', { token: t.token }));
    const revoked = call('DELETE', `/v1/tokens/${t.id}`);
    const during = await Promise.all(racing);
    expect((await revoked).status).toBe(204);
    for (const r of during) expect([200, 401]).toContain(r.status);
    const after = await Promise.all(
      Array.from({ length: 6 }, () => call('GET', '/v1/tenants/tok-a', { token: t.token })),
    );
    expect(after.map((r) => r.status)).toEqual(after.map(() => 401));
  });

  it('two concurrent revocations of one token: one 204, one 404; others than an admin cannot revoke', async () => {
    const t = await issue({ role: 'auditor', name: 'revoked twice' });
    await createTenant('tok-c');
    const editor = await issueToken('editor', { tenant: 'tok-c' });
    const refused = await call('DELETE', `/v1/tokens/${t.id}`, { token: editor });
    expect(refused.status).toBe(403);
    expect((await call('DELETE', `/v1/tokens/${t.id}`, { token: t.token })).status).toBe(403);
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    const both = await Promise.all([
      call('DELETE', `/v1/tokens/${t.id}`),
      call('DELETE', `/v1/tokens/${t.id}`),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([204, 404]);
    expect((await call('GET', '/v1/tenants/tok-a', { token: t.token })).status).toBe(401);
  });

  it('stops trusting a row within TOKEN_CACHE_MS when another isolate deletes it from D1', async () => {
    const t = await issue({ role: 'auditor', name: 'deleted elsewhere' });
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    await openDb(env.DB).delete(tokens).where(eq(tokens.id, t.id)).run();
    await sleep(TOKEN_CACHE_MS + 50);
    expect((await call('GET', '/v1/tenants/tok-a', { token: t.token })).status).toBe(401);
  });

  it('does not let a cached row stand in for a wrong secret', async () => {
    const t = await issue({ role: 'auditor', name: 'cached' });
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    const forged = `${t.token.slice(0, -1)}${t.token.endsWith('a') ? 'b' : 'a'}`;
    expect((await call('GET', '/v1/tenants/tok-a', { token: forged })).status).toBe(401);
  });
});

describe('token expiry', () => {
  it('accepts a future expiresAt, lists it, and answers 401 once it has passed', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const t = await issue({ role: 'auditor', expiresAt: expiresAt.toISOString() });
    expect((await listed(t.id))?.expiresAt).toBe(expiresAt.toISOString());
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    await sleep(expiresAt.getTime() - Date.now() + 50);
    const r = await call('GET', '/v1/tenants/tok-a', { token: t.token });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
  });

  it('stores an offset time as the same instant in UTC', async () => {
    const t = await issue({ role: 'auditor', expiresAt: '2999-01-01T02:00:00+02:00' });
    expect((await listed(t.id))?.expiresAt).toBe('2999-01-01T00:00:00.000Z');
  });

  it('refuses an expiresAt in the past or not an ISO time with 400, issuing nothing', async () => {
    const before = (await listAll()).items.length;
    const past = await call('POST', '/v1/tokens', {
      body: { role: 'auditor', expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toMatch(/^body\.expiresAt:/);
    const garbage = await call('POST', '/v1/tokens', { body: { role: 'auditor', expiresAt: 'tomorrow' } });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.message).toMatch(/^body\.expiresAt:/);
    expect((await listAll()).items.length).toBe(before);
  });
});

describe('lastUsedAt', () => {
  async function lastUsedOnceSet(id: string): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const at = (await listed(id))?.lastUsedAt;
      if (at) return at;
      await sleep(20);
    }
    throw new Error(`lastUsedAt of ${id} never set`);
  }

  it('records a use, then at most one write a minute', async () => {
    const t = await issue({ role: 'auditor' });
    expect((await listed(t.id))?.lastUsedAt).toBeNull();
    const before = new Date().toISOString();
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    const first = await lastUsedOnceSet(t.id);
    expect(first >= before && first <= new Date().toISOString()).toBe(true);

    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    await sleep(100);
    expect((await listed(t.id))?.lastUsedAt).toBe(first);

    // a use recorded more than a minute ago is refreshed
    const old = new Date(Date.now() - 120_000).toISOString();
    await openDb(env.DB).update(tokens).set({ lastUsedAt: old }).where(eq(tokens.id, t.id)).run();
    await sleep(TOKEN_CACHE_MS + 50); // the row this isolate read is trusted that long
    await ok(call('GET', '/v1/tenants/tok-a', { token: t.token }));
    for (let i = 0; i < 50 && (await listed(t.id))?.lastUsedAt === old; i++) await sleep(20);
    expect((await listed(t.id))!.lastUsedAt! > first).toBe(true);
  });

  it('is not touched by a failed authentication', async () => {
    const t = await issue({ role: 'auditor' });
    const [, id] = t.token.split('.');
    expect((await call('GET', '/v1/tenants/tok-a', { token: `ow.${id}.wrong-secret` })).status).toBe(401);
    await sleep(100);
    expect((await listed(t.id))?.lastUsedAt).toBeNull();
  });
});

describe('whoami', () => {
  it("answers the calling token's id, role and scope, and 401 without a token", async () => {
    await createTenant('who-a');
    const res = await ok(call('POST', '/v1/tokens', { body: { role: 'editor', tenant: 'who-a' } }), 201);
    const me = await ok(call('GET', '/v1/whoami', { token: res.body.token }));
    expect(me.body).toEqual({ tokenId: res.body.id, role: 'editor', tenant: 'who-a', hypervisor: null });
    expect((await ok(call('GET', '/v1/whoami'))).body).toMatchObject({ role: 'admin', tenant: null });
    expect((await call('GET', '/v1/whoami', { token: null })).status).toBe(401);
  });
});
