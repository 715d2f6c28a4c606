import type { VcenterFormatIssue } from './types.js';

/** Thrown by the readers below and caught by parseVcenterDelivery only; never leaves the module. */
export class VcenterFormatError extends Error {
  constructor(readonly issue: VcenterFormatIssue) {
    super(issue.message);
  }
}

export function formatError(field: string, problem: string): VcenterFormatError {
  return new VcenterFormatError({ field, message: `${field}: ${problem}` });
}
