import { BatchError } from '../../src/dataplane/codec/index.js';

/** The BatchError `fn` throws; any other outcome fails the test. */
export function batchErrorOf(fn: () => unknown): BatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BatchError) return e;
    throw e;
  }
  throw new Error('expected a BatchError');
}
