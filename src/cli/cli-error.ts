/** Exit codes, as `omniwall --help` documents them. */
export const EXIT = {
  ok: 0,
  /** diff and plan: something would change (kubectl diff) */
  changes: 1,
  /** bad usage, environment or documents: nothing was sent */
  invalid: 2,
  /** plan --fail-on-impact: established flows would be cut */
  impact: 3,
  /** the API refused a request or could not be reached */
  api: 4,
} as const;

/** A failure the CLI reports as one message and an exit code, never as a stack trace. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.invalid) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
