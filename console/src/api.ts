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

export async function request(path: string, token = session.token()): Promise<Response> {
  const res = await fetch(path, {
    headers: { authorization: `Bearer ${token ?? ''}`, accept: 'application/json' },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (res.ok) return res;
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
