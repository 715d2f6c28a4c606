import { exports } from 'cloudflare:workers';

export const ADMIN = 'test-admin-token';

export interface Call {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** One HTTP call to the Worker under test; JSON in, JSON (or nothing) out. */
export async function call(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? ADMIN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await exports.default.fetch(
    new Request(`http://omniwall.test${path}`, { method, headers, body }),
  );
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function createTenant(id: string, settings: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/tenants', { body: { id, name: `Tenant ${id}`, settings } });
  if (res.status !== 201) throw new Error(`tenant ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function issueToken(role: string, scope: { tenant?: string; hypervisor?: string } = {}) {
  const res = await call('POST', '/v1/tokens', { body: { role, ...scope } });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export async function ok(res: Promise<Call> | Call, status = 200): Promise<Call> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}
