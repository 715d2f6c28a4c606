export type ConntrackErrorCode =
  | 'BAD_TCP_FLAGS'
  | 'BAD_RECORD'
  | 'BAD_RECORD_LENGTH'
  | 'BAD_FLOW_REF'
  | 'BAD_OPTION'
  | 'BAD_FLOW_KEY'
  | 'TABLE_FULL';

/** Bad input to the conntrack table; `code` is stable for callers to branch on. */
export class ConntrackError extends Error {
  readonly code: ConntrackErrorCode;

  constructor(code: ConntrackErrorCode, message: string) {
    super(message);
    this.name = 'ConntrackError';
    this.code = code;
  }
}

export function badFlowRef(ref: number): ConntrackError {
  return new ConntrackError('BAD_FLOW_REF', `flow ref ${ref} is not a live flow`);
}
