import { session } from './session.js';

/** An API answer that was not 2xx, with the error body's stable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const listeners = new Set<() => void>();
/** Called when the API refuses the token (401): the console signs out. */
export const onUnauthorized = (fn: () => void) => listeners.add(fn);

export async function request(
  path: string,
  token = session.token(),
  headers: Record<string, string> = {},
  init: { method?: string; body?: string } = {},
): Promise<Response> {
  const res = await fetch(path, {
    ...init,
    headers: { authorization: `Bearer ${token ?? ''}`, accept: 'application/json', ...headers },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.ok || res.status === 304) return res;
  let code = 'http-' + res.status;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not JSON
  }
  if (res.status === 401) for (const fn of listeners) fn();
  throw new ApiError(res.status, code, message);
}

export async function get<T>(path: string, token?: string): Promise<T> {
  return (await (await request(path, token)).json()) as T;
}

/** A POST that only asks (explain): the console never sends a write. */
export async function ask<T>(path: string, body: unknown): Promise<T> {
  const init = { method: 'POST', body: JSON.stringify(body) };
  const res = await request(path, undefined, { 'content-type': 'application/json' }, init);
  return (await res.json()) as T;
}

/** A write sent as a dry run only (`?dryRun=true`): the API answers what it would do and changes nothing. */
export async function dryRun<T>(
  path: string,
  method: 'PUT' | 'PATCH' | 'DELETE',
  body?: unknown,
): Promise<T> {
  const sep = path.includes('?') ? '&' : '?';
  const init = { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  const res = await request(`${path}${sep}dryRun=true`, undefined, headers, init);
  return (await res.json()) as T;
}

export interface Tagged<T> {
  etag: string | null;
  value: T;
}

/** A conditional GET: the previous value again when the API answers 304 Not Modified to its ETag. */
export async function getIfChanged<T>(path: string, prev: Tagged<T> | undefined): Promise<Tagged<T>> {
  const res = await request(path, undefined, prev?.etag ? { 'if-none-match': prev.etag } : {});
  if (res.status === 304 && prev) return prev;
  return { etag: res.headers.get('etag'), value: (await res.json()) as T };
}

/** Every page of a list, following nextCursor (bounded so a runaway list cannot hang the tab). */
export async function getAll<T>(path: string, maxPages = 50): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = cursor
      ? `${path}${sep}limit=1000&cursor=${encodeURIComponent(cursor)}`
      : `${path}${sep}limit=1000`;
    const page: Page<T> = await get<Page<T>>(url);
    out.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return out;
}

export const enc = encodeURIComponent;
export const tenantPath = (t: string, rest = '') => `/v1/tenants/${enc(t)}${rest}`;

/**
 * A tenant-wide list re-read only when the tenant's revision moved (every change bumps it): an idle
 * console costs one small GET per poll, not the whole list (a 10,000-rule policy is megabytes).
 */
export async function sinceRevision<T>(
  tenant: string,
  prev: { revision: number; value: T } | undefined,
  load: () => Promise<T>,
): Promise<{ revision: number; value: T }> {
  const { revision } = await get<{ revision: number }>(tenantPath(tenant));
  if (prev && prev.revision === revision) return prev;
  return { revision, value: await load() };
}
