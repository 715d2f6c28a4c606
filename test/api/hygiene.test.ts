import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/policy/types.js';
import { openDb } from '../../src/store/db.js';
import { listGroups, putGroupStatements } from '../../src/store/groups.js';
import type { Statement } from '../../src/store/mutation.js';
import { listPolicies, putPolicyStatements } from '../../src/store/policies.js';
import { listWorkloads, putWorkloadStatements } from '../../src/store/workloads.js';
import { ADMIN, call, ok, type Call } from './client.js';
import { tenantWithEditor, workload } from './fixtures.js';

const MiB = 1024 * 1024;
const PAGE_SIZES = [1, 7, 50, 99, 100, 101, 500, 1000];
/**
 * Over HTTP only the sizes that take few requests: in the test runtime every request of a file
 * answers a little slower than the one before (also for GET /v1/tenants/{t}), so 1,000 pages of one
 * would take minutes; walking the store functions covers every size.
 */
const API_PAGE_SIZES = [50, 99, 100, 101, 500, 1000];
const N = 1000;
const db = openDb(env.DB);

/** Seeds straight into D1 (a thousand API writes would take minutes): the listing is under test. */
async function seed(statements: Statement[]) {
  for (let i = 0; i < statements.length; i += 500)
    await db.batch(statements.slice(i, i + 500) as [Statement, ...Statement[]]);
}
const idOf = (i: number) => `x-${String(i).padStart(4, '0')}`;

/** A request with an exact body (or none), content-type and headers as given. */
async function send(
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
): Promise<Pick<Call, 'status' | 'body'>> {
  const res = await exports.default.fetch(
    new Request(`http://omniwall.test${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...headers },
      body,
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const revision = async (t: string) => (await ok(call('GET', `/v1/tenants/${t}`))).body.revision as number;

/** Every item of a listing, page by page, with the number of pages it took. */
async function listAll(path: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const q: string = `${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const r = await ok(call('GET', `${path}${q}`));
    ids.push(...r.body.items.map((x: { id: string }) => x.id));
    cursor = r.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

/** The same walk straight over the store's page function, as the list routes call it. */
async function walkStore(
  list: (after: string | null, limit: number) => Promise<{ id: string }[]>,
  limit: number,
): Promise<[string[], number]> {
  const ids: string[] = [];
  let pages = 0;
  for (;;) {
    const items = await list(ids.at(-1) ?? null, limit);
    pages++;
    ids.push(...items.map((x) => x.id));
    if (items.length < limit) return [ids, pages];
  }
}

function expectEachOnceInOrder(ids: string[], pages: number, limit: number) {
  expect(ids).toEqual(Array.from({ length: N }, (_, i) => idOf(i)));
  expect(pages).toBeGreaterThanOrEqual(Math.ceil(N / limit));
  expect(pages).toBeLessThanOrEqual(Math.ceil(N / limit) + 1);
}

const nestedNot = (levels: number) =>
  '{"not":'.repeat(levels) + '{"field":"tag","op":"exists","value":"k"}' + '}'.repeat(levels);
const nestedAll = (levels: number) =>
  '{"all":['.repeat(levels) + '{"field":"tag","op":"in","value":["a"]}' + ']}'.repeat(levels);

describe('listing a large tenant never exceeds D1 bound-parameter limits', () => {
  it('lists 1,000 workloads, and the members of a 1,000-workload group, at every page size', async () => {
    await tenantWithEditor('hy-big');
    const all = Array.from({ length: N }, (_, i) => idOf(i));
    await seed(
      all.flatMap((id, i) =>
        putWorkloadStatements(db, 'hy-big', {
          id,
          name: id,
          hypervisor: i % 2 ? 'hv-1' : 'hv-2',
          vnics: [
            { id: `${id}-a`, ips: [`10.1.${i >> 8}.${i & 255}`] },
            { id: `${id}-b`, ips: [] },
          ],
          tags: [],
          attributes: {},
        }),
      ),
    );
    const everyone = { members: { workloads: [...all].reverse() } };
    await ok(call('PUT', '/v1/tenants/hy-big/groups/everyone', { body: everyone }), 201);
    for (const limit of PAGE_SIZES)
      expectEachOnceInOrder(...(await walkStore((a, l) => listWorkloads(db, 'hy-big', a, l), limit)), limit);
    for (const limit of API_PAGE_SIZES) {
      const { ids, pages } = await listAll('/v1/tenants/hy-big/workloads', limit);
      expectEachOnceInOrder(ids, pages, limit);
      const members = await listAll('/v1/tenants/hy-big/workloads?group=everyone', limit);
      expectEachOnceInOrder(members.ids, members.pages, limit);
    }
    const page = await ok(call('GET', '/v1/tenants/hy-big/workloads?limit=1000'));
    expect(page.body.items[7].vnics).toEqual([
      { id: 'x-0007-a', ips: ['10.1.0.7'] },
      { id: 'x-0007-b', ips: [] },
    ]);
    const members = await ok(call('GET', '/v1/tenants/hy-big/groups/everyone/members'));
    expect(members.body.workloads).toEqual(all);
    expect(members.body.vnics).toHaveLength(2 * N);
  }, 180_000);

  it('lists 1,000 groups and 1,000 policies at every page size', async () => {
    await tenantWithEditor('hy-many');
    const all = Array.from({ length: N }, (_, i) => idOf(i));
    await seed(
      all.flatMap((id, i) => {
        const cidrs = [`10.2.${i >> 8}.${i & 255}/32`];
        const group = { id, members: { workloads: [], vnics: [], cidrs, groups: [] } };
        const policy: Policy = {
          id,
          category: 'application',
          priority: i,
          stateful: true,
          tcpStrict: false,
          appliedTo: [],
          rules: [
            {
              id: 'r',
              sources: { groups: [id], cidrs: [], negate: false },
              destinations: 'any',
              services: [],
              appliedTo: [],
              direction: 'inout',
              action: 'allow',
              log: false,
              disabled: false,
            },
          ],
        };
        return [...putGroupStatements(db, 'hy-many', group), ...putPolicyStatements(db, 'hy-many', policy)];
      }),
    );
    for (const limit of PAGE_SIZES) {
      expectEachOnceInOrder(...(await walkStore((a, l) => listGroups(db, 'hy-many', a, l), limit)), limit);
      expectEachOnceInOrder(...(await walkStore((a, l) => listPolicies(db, 'hy-many', a, l), limit)), limit);
    }
    for (const limit of API_PAGE_SIZES) {
      const groups = await listAll('/v1/tenants/hy-many/groups', limit);
      expectEachOnceInOrder(groups.ids, groups.pages, limit);
      const policies = await listAll('/v1/tenants/hy-many/policies', limit);
      expectEachOnceInOrder(policies.ids, policies.pages, limit);
    }
    const page = await ok(call('GET', '/v1/tenants/hy-many/policies?limit=1000'));
    expect(page.body.items.every((p: { rules: unknown[] }) => p.rules.length === 1)).toBe(true);
    expect(page.body.items[999].rules[0].sources.groups).toEqual([idOf(999)]);
  }, 180_000);
});

interface Operation {
  method: string;
  path: string;
  body: boolean;
}

/** Every route the API declares, with its path parameters filled in. */
async function declaredOperations(tenant: string): Promise<Operation[]> {
  const doc = (await ok(call('GET', '/openapi.json', { token: null }))).body;
  const fill: Record<string, string> = { t: tenant, id: 'w', h: 'hv-1' };
  return Object.entries(doc.paths as Record<string, Record<string, { requestBody?: unknown }>>).flatMap(
    ([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path: path.replaceAll(/\{(\w+)\}/g, (_, p: string) => fill[p]!),
        body: op.requestBody !== undefined,
      })),
  );
}

describe('query parameters', { timeout: 60_000 }, () => {
  it('a parameter no route declares is a 400 naming it, on every route, and changes nothing', async () => {
    await tenantWithEditor('hy-q');
    await workload('hy-q', 'w', 'hv-1', ['10.0.0.1']);
    const before = await revision('hy-q');
    const operations = await declaredOperations('hy-q');
    expect(operations.length).toBeGreaterThan(25);
    for (const op of operations) {
      const r = await call(op.method, `${op.path}?bogus=1`, op.body ? { body: {} } : {});
      expect(r.status, `${op.method} ${op.path}`).toBe(400);
      expect(r.body.error.message, `${op.method} ${op.path}`).toMatch(/^query\.bogus: /);
    }
    expect((await ok(call('GET', '/v1/tenants/hy-q/workloads/w'))).body.hypervisor).toBe('hv-1');
    expect(await revision('hy-q')).toBe(before);
  });

  it('dryRun (SPEC §12) applies nothing on workload, tenant and app writes; a misspelt one is a 400', async () => {
    await tenantWithEditor('hy-dry');
    await workload('hy-dry', 'w', 'hv-1', ['10.0.0.1']);
    const before = await revision('hy-dry');
    const put = await ok(
      call('PUT', '/v1/tenants/hy-dry/workloads/w?dryRun=true', {
        body: { hypervisor: 'hv-2', vnics: [{ id: 'w-eth0', ips: ['10.0.0.1'] }] },
      }),
    );
    expect(put.body).toMatchObject({ dryRun: true, action: 'update', impact: { established: { cut: 0 } } });
    await ok(call('DELETE', '/v1/tenants/hy-dry/workloads/w?dryRun=true'));
    await ok(call('PATCH', '/v1/tenants/hy-dry?dryRun=true', { body: { name: 'changed' } }));
    const w = await ok(call('GET', '/v1/tenants/hy-dry/workloads/w'));
    expect(w.body.hypervisor).toBe('hv-1');
    expect((await ok(call('GET', '/v1/tenants/hy-dry'))).body.name).toBe('Tenant hy-dry');
    expect(await revision('hy-dry')).toBe(before);
    const app = { groups: { g: { members: { cidrs: ['10.9.0.0/24'] } } } };
    await ok(call('PUT', '/v1/tenants/hy-dry/apps/a?dryRun=true', { body: app }));
    expect((await call('GET', '/v1/tenants/hy-dry/groups/g')).status).toBe(404);
    const misspelt = await call('PUT', '/v1/tenants/hy-dry/apps/a?dryrun=true', { body: app });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error.details.parameter).toBe('dryrun');
    expect(await revision('hy-dry')).toBe(before);
  });
});

describe('bodies', { timeout: 60_000 }, () => {
  it('every route that takes a body refuses a request without one', async () => {
    await tenantWithEditor('hy-nobody');
    const before = await revision('hy-nobody');
    const withBody = (await declaredOperations('hy-nobody')).filter((op) => op.body);
    expect(withBody.length).toBeGreaterThan(8);
    for (const op of withBody) {
      const r = await send(op.method, op.path);
      expect(r.status, `${op.method} ${op.path}`).toBe(400);
      expect(r.body.error.message, `${op.method} ${op.path}`).toMatch(/^body: required/);
    }
    expect(await revision('hy-nobody')).toBe(before);
  });

  it('an app PUT or group PUT without a body deletes nothing', async () => {
    await tenantWithEditor('hy-empty');
    const app = {
      groups: { g: { members: { cidrs: ['10.9.0.0/24'] } } },
      services: { s: { entries: [{ proto: 'tcp', ports: '443' }] } },
    };
    await ok(call('PUT', '/v1/tenants/hy-empty/apps/a', { body: app }), 201);
    await ok(
      call('PUT', '/v1/tenants/hy-empty/groups/static', { body: { members: { workloads: ['w1'] } } }),
      201,
    );
    const before = await revision('hy-empty');
    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      const r = await send('PUT', '/v1/tenants/hy-empty/apps/a', undefined, headers);
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/^body: required/);
      expect((await send('PUT', '/v1/tenants/hy-empty/groups/static', '', headers)).status).toBe(400);
    }
    expect((await ok(call('GET', '/v1/tenants/hy-empty/apps/a'))).body.owns).toEqual({
      groups: ['g'],
      services: ['s'],
      policies: [],
    });
    const g = await ok(call('GET', '/v1/tenants/hy-empty/groups/static'));
    expect(g.body.members.workloads).toEqual(['w1']);
    expect(await revision('hy-empty')).toBe(before);
  });

  it('a body of another content type is a 415 naming it', async () => {
    await tenantWithEditor('hy-type');
    const body = JSON.stringify({ entries: [{ proto: 'tcp' }] });
    const text = await send('PUT', '/v1/tenants/hy-type/services/s', body, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.message).toContain('text/plain');
    const none = await send('PUT', '/v1/tenants/hy-type/services/s', body);
    expect(none.status).toBe(415);
    expect(none.body.error.message).toContain('application/json');
    const charset = { 'content-type': 'application/json; charset=utf-8' };
    expect((await send('PUT', '/v1/tenants/hy-type/services/s', body, charset)).status).toBe(201);
  });

  it('a body on a route that takes none is a 400, and the DELETE it came with applies nothing', async () => {
    const { editor } = await tenantWithEditor('hy-bodyless');
    await ok(call('PUT', '/v1/tenants/hy-bodyless/groups/g', { token: editor, body: { members: {} } }), 201);
    const del = await call('DELETE', '/v1/tenants/hy-bodyless/groups/g', {
      token: editor,
      body: { force: true },
    });
    expect(del.status).toBe(400);
    expect(del.body.error.message).toMatch(/^body: DELETE .* takes no body/);
    expect((await call('GET', '/v1/tenants/hy-bodyless/groups/g', { token: editor })).status).toBe(200);
    expect((await call('DELETE', '/v1/tenants/hy-bodyless/groups/g', { token: editor })).status).toBe(204);
  });

  it('bodies over the route limit are a 413 naming it, counted also when streamed', async () => {
    await tenantWithEditor('hy-size');
    const json = { 'content-type': 'application/json' };
    const padded = (doc: object, bytes: number) => {
      const text = JSON.stringify(doc);
      return text + ' '.repeat(bytes - text.length);
    };
    const w = { hypervisor: 'hv-1' };
    expect((await send('PUT', '/v1/tenants/hy-size/workloads/w', padded(w, MiB), json)).status).toBe(201);
    const big = await send('PUT', '/v1/tenants/hy-size/workloads/w', padded(w, MiB + 1), json);
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain('1 MiB');

    const stream = (bytes: number) => {
      const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode(JSON.stringify(w)));
          if (sent >= bytes) return controller.close();
          controller.enqueue(chunk);
          sent += chunk.byteLength;
        },
      });
    };
    const streamed = await send('PUT', '/v1/tenants/hy-size/workloads/w2', stream(2 * MiB), json);
    expect(streamed.status).toBe(413);
    expect(streamed.body.error.message).toContain('1 MiB');
    expect((await call('GET', '/v1/tenants/hy-size/workloads/w2')).status).toBe(404);

    const policy = { category: 'application', priority: 1, rules: [] };
    const p = await send('PUT', '/v1/tenants/hy-size/policies/p', padded(policy, 3 * MiB), json);
    expect(p.status).toBe(201);
    const tooBig = await send('PUT', '/v1/tenants/hy-size/policies/p', padded(policy, 8 * MiB + 1), json);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toContain('8 MiB');
    const app = await send('PUT', '/v1/tenants/hy-size/apps/a', padded({}, 8 * MiB + 1), json);
    expect(app.status).toBe(413);

    const packets = { packets: [] };
    const batch = await send('POST', '/v1/hypervisors/hv-1/packets', padded(packets, 4 * MiB + 1), json);
    expect(batch.status).toBe(413);
    expect(batch.body.error.message).toContain('4 MiB');
    const binary = await send('POST', '/v1/hypervisors/hv-1/packets', new Uint8Array(4 * MiB + 8), {
      'content-type': 'application/octet-stream',
    });
    expect(binary.status).toBe(413);
  });

  it('criteria nested 5,000 deep are a 422 before any recursive validation; 32 deep pass', async () => {
    await tenantWithEditor('hy-deep');
    const json = { 'content-type': 'application/json' };
    const group = (criteria: string) => `{"criteria":${criteria}}`;
    expect(nestedNot(5000).length).toBeGreaterThan(10_000);
    for (const deep of [nestedNot(5000), nestedAll(5000), nestedNot(1000)]) {
      const r = await send('PUT', '/v1/tenants/hy-deep/groups/g', group(deep), json);
      expect(r.status).toBe(422);
      const app = await send('PUT', '/v1/tenants/hy-deep/apps/a', `{"groups":{"g":${group(deep)}}}`, json);
      expect(app.status).toBe(422);
    }
    const r33 = await send('PUT', '/v1/tenants/hy-deep/groups/g', group(nestedAll(33)), json);
    expect(r33.status).toBe(422);
    expect(r33.body.error.code).toBe('invalid-criteria');
    expect(r33.body.error.message).toMatch(/^body\.criteria(\.all\[0\]){33}: criteria nest at most 32 deep/);
    expect((await send('PUT', '/v1/tenants/hy-deep/groups/g', group(nestedNot(33)), json)).status).toBe(422);
    expect((await send('PUT', '/v1/tenants/hy-deep/groups/g', group(nestedNot(32)), json)).status).toBe(201);
    const app = `{"groups":{"g2":${group(nestedAll(32))}}}`;
    expect((await send('PUT', '/v1/tenants/hy-deep/apps/a', app, json)).status).toBe(201);
    const deepAttrs = `{"hypervisor":"hv-1","attributes":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect((await send('PUT', '/v1/tenants/hy-deep/workloads/w', deepAttrs, json)).status).toBe(422);
  });

  it('a lone surrogate is a 400 naming the field; a surrogate pair is stored exactly', async () => {
    await tenantWithEditor('hy-utf');
    const json = { 'content-type': 'application/json' };
    const put = (text: string) => send('PUT', '/v1/tenants/hy-utf/workloads/w', text, json);
    const lone = await put('{"hypervisor":"hv-1","name":"x\\ud800y"}');
    expect(lone.status).toBe(400);
    expect(lone.body.error.message).toMatch(/^body\.name: contains a lone surrogate/);
    const low = await put('{"hypervisor":"hv-1","tags":["ok","\\udc00"]}');
    expect(low.body.error.message).toMatch(/^body\.tags\[1\]: /);
    const key = await put('{"hypervisor":"hv-1","attributes":{"k\\ud83d":"v"}}');
    expect(key.status).toBe(400);
    expect(key.body.error.message).toMatch(/^body\.attributes\./);
    expect((await call('GET', '/v1/tenants/hy-utf/workloads/w')).status).toBe(404);
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"hypervisor":"hv-1","name":"'),
      0xff,
      0x22,
      0x7d,
    ]);
    expect((await send('PUT', '/v1/tenants/hy-utf/workloads/w', bytes, json)).status).toBe(400);

    const emoji = '{"hypervisor":"hv-1","name":"x\\ud83d\\ude00y"}';
    expect((await put(emoji)).status).toBe(201);
    expect((await ok(call('GET', '/v1/tenants/hy-utf/workloads/w'))).body.name).toBe('x😀y');
    const before = await revision('hy-utf');
    expect((await put(emoji)).status).toBe(200);
    expect(await revision('hy-utf')).toBe(before);
  });
});

describe('ids', { timeout: 60_000 }, () => {
  it('refuses . and .. and any id starting with a dot, wherever an id is taken', async () => {
    await tenantWithEditor('hy-id');
    for (const id of ['.', '..', '.hidden']) {
      const tenant = await call('POST', '/v1/tenants', { body: { id, name: 'x' } });
      expect(tenant.status, id).toBe(400);
      expect(tenant.body.error.message).toMatch(/^body\.id: must match/);
      const vnic = await call('PUT', '/v1/tenants/hy-id/workloads/w', {
        body: { hypervisor: 'hv-1', vnics: [{ id }] },
      });
      expect(vnic.status, id).toBe(400);
      const member = await call('PUT', '/v1/tenants/hy-id/groups/g', { body: { members: { groups: [id] } } });
      expect(member.status, id).toBe(400);
    }
    expect(
      (await call('PUT', '/v1/tenants/hy-id/workloads/.w', { body: { hypervisor: 'hv-1' } })).status,
    ).toBe(400);
    expect(
      (await call('PUT', '/v1/tenants/hy-id/workloads/a..b', { body: { hypervisor: 'hv-1' } })).status,
    ).toBe(201);
    expect(
      (await call('PUT', '/v1/tenants/hy-id/workloads/_w.1-x', { body: { hypervisor: 'hv-1' } })).status,
    ).toBe(201);
  });
});

describe('If-Match', { timeout: 60_000 }, () => {
  it('every write answers 412 on a stale revision and applies nothing', async () => {
    await tenantWithEditor('hy-if');
    await workload('hy-if', 'web-1', 'hv-1', ['10.0.0.1']);
    await ok(call('PUT', '/v1/tenants/hy-if/services/s', { body: { entries: [{ proto: 'tcp' }] } }), 201);
    await ok(call('PUT', '/v1/tenants/hy-if/groups/g', { body: {} }), 201);
    await ok(
      call('PUT', '/v1/tenants/hy-if/policies/p', { body: { category: 'application', priority: 1 } }),
      201,
    );
    await ok(call('PUT', '/v1/tenants/hy-if/apps/a', { body: { groups: { ag: {} } } }), 201);
    const current = await revision('hy-if');
    const stale = { 'if-match': `"${current - 1}"` };
    const writes: [string, string, unknown?][] = [
      ['PATCH', '/v1/tenants/hy-if', { name: 'renamed' }],
      ['PUT', '/v1/tenants/hy-if/workloads/web-1', { hypervisor: 'hv-2' }],
      ['DELETE', '/v1/tenants/hy-if/workloads/web-1'],
      ['DELETE', '/v1/tenants/hy-if/groups/g'],
      ['DELETE', '/v1/tenants/hy-if/services/s'],
      ['DELETE', '/v1/tenants/hy-if/policies/p'],
      ['PUT', '/v1/tenants/hy-if/apps/a', { groups: {} }],
      ['PUT', '/v1/tenants/hy-if/apps/b', { groups: { bg: {} } }],
      ['DELETE', '/v1/tenants/hy-if/apps/a'],
      ['POST', '/v1/tenants/hy-if/workloads/web-1/migrate', { to: 'hv-2' }],
    ];
    for (const [method, path, body] of writes) {
      const r = await call(method, path, { body, headers: stale });
      expect(r.status, `${method} ${path}`).toBe(412);
      expect(r.body.error.details.revision, `${method} ${path}`).toBe(current);
    }
    expect(await revision('hy-if')).toBe(current);
    expect((await ok(call('GET', '/v1/tenants/hy-if'))).body.name).toBe('Tenant hy-if');
    expect((await ok(call('GET', '/v1/tenants/hy-if/workloads/web-1'))).body.hypervisor).toBe('hv-1');
    for (const kind of ['groups/g', 'groups/ag', 'services/s', 'policies/p', 'apps/a'])
      expect((await call('GET', `/v1/tenants/hy-if/${kind}`)).status, kind).toBe(200);
    expect((await call('GET', '/v1/tenants/hy-if/apps/b')).status).toBe(404);

    const fresh = { 'if-match': `"${current}"` };
    const moved = await call('POST', '/v1/tenants/hy-if/workloads/web-1/migrate', {
      body: { to: 'hv-2' },
      headers: fresh,
    });
    expect(moved.status).toBe(202);
    expect((await ok(call('GET', '/v1/tenants/hy-if/workloads/web-1'))).body.hypervisor).toBe('hv-2');
  });
});
