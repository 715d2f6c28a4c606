/** The API's JSON error answer: `{"error": {"code", "message", "details"}}` (SPEC §8). */
interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const e = (body as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

/** A request the API refused (or could not answer), with its stable code and the API's own message. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  static from(status: number, body: unknown): ApiRequestError {
    if (isErrorBody(body))
      return new ApiRequestError(status, body.error.code, body.error.message, body.error.details ?? null);
    const text = typeof body === 'string' ? body.slice(0, 200) : '';
    return new ApiRequestError(status, 'http-error', `HTTP ${status}${text ? `: ${text}` : ''}`);
  }

  /** e.g. `404 not-found: workload "web-1" does not exist` */
  describe(): string {
    return this.status === 0 ? this.message : `${this.status} ${this.code}: ${this.message}`;
  }
}

/** The network failed before any answer: status 0. */
export const unreachable = (url: string, cause: unknown) =>
  new ApiRequestError(
    0,
    'unreachable',
    `cannot reach ${url}: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
  );

/** openapi-fetch's answer, data or error: the data, or an ApiRequestError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
  url = '',
): Promise<{ data: T; response: Response }> {
  let out: { data?: T; error?: unknown; response: Response };
  try {
    out = await call;
  } catch (err) {
    throw unreachable(url, err);
  }
  if (out.error !== undefined || !out.response.ok) throw ApiRequestError.from(out.response.status, out.error);
  return { data: out.data as T, response: out.response };
}
