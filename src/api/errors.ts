import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PolicyError } from '../policy/policy-error.js';
import { GuardViolation } from '../store/guard-violation.js';
import { StaleRevision, TenantBusy, TenantMissing } from '../store/tenant-transaction.js';

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
/** One answer for every unverifiable delivery, so a sender learns nothing about which check failed. */
export const unsignedDelivery = () =>
  new ApiError(401, 'unauthorized', 'the delivery is not signed by an enabled source of this tenant');
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
export const unsupportedMediaType = (message: string) => new ApiError(415, 'unsupported-media-type', message);
export const tooLarge = (message: string) => new ApiError(413, 'too-large', message);

export function errorBody(code: string, message: string, details: unknown = null) {
  return { error: { code, message, details } };
}

/** The HTTP answer to a tenant transaction that did not commit; anything else passes through. */
export function tenantWriteError(err: unknown, tenant: string): unknown {
  if (err instanceof TenantMissing) return notFound('tenant', tenant);
  if (err instanceof StaleRevision) return preconditionFailed(err.current);
  if (err instanceof GuardViolation) return guardError(err);
  if (err instanceof TenantBusy)
    return new ApiError(429, 'tenant-busy', err.message, { retryAfterSeconds: 1 });
  return err;
}

export const noRoute = (method: string, path: string) =>
  new ApiError(404, 'not-found', `no route for ${method} ${path}`);

/** Every error's HTTP answer, chosen here only; anything unexpected is a 500 that names nothing inside. */
export function errorResponse(err: unknown): {
  status: ContentfulStatusCode;
  body: ReturnType<typeof errorBody>;
} {
  if (err instanceof ApiError)
    return { status: err.status, body: errorBody(err.code, err.message, err.details) };
  if (err instanceof PolicyError) return { status: 422, body: errorBody(err.code, err.message, err.details) };
  if (err instanceof HTTPException) {
    const message = /malformed json/i.test(err.message) ? 'body: malformed JSON' : err.message;
    const status = err.status as ContentfulStatusCode;
    return { status, body: errorBody(status === 400 ? 'invalid-request' : 'http-error', message) };
  }
  return { status: 500, body: errorBody('internal', 'internal error') };
}

export const validationFailed = 400;

/** A database guard's refusal, as the API would have answered had it seen the conflict first. */
export function guardError(err: GuardViolation): ApiError {
  return err.guard === 'unknown-hypervisor'
    ? unprocessable('unknown-hypervisor', 'body.hypervisor: the hypervisor does not exist')
    : conflict('in-use', 'the hypervisor still hosts workloads');
}

/** A packet batch the data plane refused whole. */
export function batchRefused(out: {
  problem: 'malformed' | 'too-large';
  code: string;
  message: string;
  index: number | null;
}) {
  return new ApiError(out.problem === 'too-large' ? 413 : 400, out.code, out.message, { index: out.index });
}
