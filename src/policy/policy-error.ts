export type PolicyErrorCode =
  | 'unknown-group'
  | 'group-cycle'
  | 'invalid-criteria'
  | 'invalid-ports'
  | 'invalid-cidr'
  | 'invalid-address'
  | 'invalid-protocol'
  | 'invalid-service'
  | 'unknown-service';

/**
 * A policy object is invalid or refers to something that does not exist. `code` is stable (the HTTP layer maps
 * it to 400/422); `details` names the offending object, field or value.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: PolicyErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError;
}
