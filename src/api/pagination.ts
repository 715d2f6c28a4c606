import { badRequest } from './errors.js';

export interface PageRequest {
  after: string | null;
  limit: number;
}

/** Cursors are opaque to clients: base64url of the last id of the previous page. */
export function readPage(q: { limit?: number | undefined; cursor?: string | undefined }): PageRequest {
  let after: string | null = null;
  if (q.cursor) {
    try {
      after = atob(q.cursor.replaceAll('-', '+').replaceAll('_', '/'));
    } catch {
      throw badRequest('query.cursor: not a cursor this API returned');
    }
  }
  return { after, limit: q.limit ?? 100 };
}

export function pageOf<T>(items: T[], limit: number, key: (item: T) => string) {
  const last = items.length === limit ? items[items.length - 1] : undefined;
  const nextCursor = last
    ? btoa(key(last)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')
    : null;
  return { items, nextCursor };
}
