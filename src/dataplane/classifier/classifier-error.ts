export type ClassifierErrorCode =
  'invalid-rule' | 'invalid-address-set' | 'invalid-service' | 'too-complex' | 'invalid-classbench';

/** Thrown for malformed classifier input; `code` is stable, `message` is for humans. */
export class ClassifierError extends Error {
  readonly code: ClassifierErrorCode;

  constructor(code: ClassifierErrorCode, message: string) {
    super(message);
    this.name = 'ClassifierError';
    this.code = code;
  }
}
