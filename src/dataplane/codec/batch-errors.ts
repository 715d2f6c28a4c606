/** A malformed batch; the whole batch is rejected (HTTP 400). */
export class BatchError extends Error {
  readonly code = 'bad-batch';
  /** Index of the first bad record, or -1 when the batch as a whole (header, length, body) is bad. */
  readonly index: number;
  /** The offending field, e.g. "src"; "" when the record itself is bad. */
  readonly field: string;

  constructor(index: number, field: string, detail: string, list = 'packets') {
    const where = index < 0 ? field : `${list}[${index}]${field ? `.${field}` : ''}`;
    super(`${where}: ${detail}`);
    this.name = 'BatchError';
    this.index = index;
    this.field = field;
  }
}

/** A batch with more packets than allowed (HTTP 413). */
export class BatchTooLargeError extends Error {
  readonly code = 'batch-too-large';
  readonly count: number;
  readonly max: number;

  constructor(count: number, max: number) {
    super(`batch of ${count} packets exceeds the maximum of ${max}`);
    this.name = 'BatchTooLargeError';
    this.count = count;
    this.max = max;
  }
}
