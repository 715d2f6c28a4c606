/** A query explain cannot answer as asked; `code` is stable, `field` names the offending part of the body. */
export class ExplainError extends Error {
  readonly code: 'unknown-workload' | 'unknown-vnic' | 'no-address' | 'invalid-packet';
  readonly field: string;

  constructor(code: ExplainError['code'], field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ExplainError';
    this.code = code;
    this.field = field;
  }
}
