import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error a client can cause; `code` is stable and documented, `status` its HTTP mapping. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: ContentfulStatusCode;
  readonly details: unknown;

  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details ?? null;
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'invalid-request', message, details);
export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'a valid "Authorization: Bearer <token>" header is required');
export const forbidden = (message = 'this token may not do that') => new ApiError(403, 'forbidden', message);
export const notFound = (kind: string, id: string) =>
  new ApiError(404, 'not-found', `${kind} "${id}" does not exist`, { kind, id });
export const conflict = (code: string, message: string, details?: unknown) =>
  new ApiError(409, code, message, details);
export const preconditionFailed = (current: number) =>
  new ApiError(412, 'revision-moved', `If-Match does not name the current revision ${current}`, {
    revision: current,
  });
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new ApiError(422, code, message, details);
export const tooLarge = (message: string) => new ApiError(413, 'too-large', message);

export function errorBody(code: string, message: string, details: unknown = null) {
  return { error: { code, message, details } };
}
