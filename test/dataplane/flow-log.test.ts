import { describe, expect, it } from 'vitest';
import { FlowLog } from '../../src/dataplane/processor/flow-log.js';
import { FLOW_LOG_RECORD_BYTES, W_PORTS } from '../../src/dataplane/processor/flow-log-records.js';

const src = new Uint32Array(4);
const dst = new Uint32Array(4);

/** Appends decisions whose sport is 1000 + n, for n in [from, to). */
function append(log: FlowLog, from: number, to: number): void {
  for (let n = from; n < to; n++) log.append(n, 1, 0, 4, 6, 1000 + n, 443, src, dst, 0, 0, 0, 7);
}

/** The sports of what takeNew hands over, in order. */
function taken(log: FlowLog): { sports: number[]; lost: number } {
  const { segments, lost } = log.takeNew();
  const sports: number[] = [];
  for (const s of segments) {
    const words = new Uint32Array(s.buffer, s.byteOffset, s.byteLength / 4);
    for (let r = 0; r < s.byteLength / FLOW_LOG_RECORD_BYTES; r++)
      sports.push(words[r * 16 + W_PORTS]! & 0xffff);
  }
  return { sports, lost };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => 1000 + from + i);

describe('FlowLog ring', () => {
  it('overwrites the oldest beyond its capacity when it may not grow, and counts what was lost', () => {
    const log = new FlowLog(4);
    append(log, 0, 6);
    expect(taken(log)).toEqual({ sports: range(2, 6), lost: 2 });
    expect(log.capacity).toBe(4);
  });

  it('grows rather than overwrite a record not yet taken, keeping order across the wrap', () => {
    const log = new FlowLog(4, 64);
    append(log, 0, 3);
    expect(taken(log).sports).toEqual(range(0, 3)); // the next records wrap around slot 0
    append(log, 3, 40);
    expect(log.capacity).toBe(64);
    expect(taken(log)).toEqual({ sports: range(3, 40), lost: 0 });
    expect(log.size).toBe(37); // the three taken ones were overwritten first, as they may be
  });

  it('stops at its maximum, then overwrites and counts the loss', () => {
    const log = new FlowLog(2, 8);
    append(log, 0, 11);
    expect(log.capacity).toBe(8);
    expect(taken(log)).toEqual({ sports: range(3, 11), lost: 3 });
  });

  it('does not grow while what is appended is taken in time', () => {
    const log = new FlowLog(4, 64);
    for (let b = 0; b < 10; b++) {
      append(log, 4 * b, 4 * b + 4);
      expect(taken(log)).toEqual({ sports: range(4 * b, 4 * b + 4), lost: 0 });
    }
    expect(log.capacity).toBe(4);
  });
});
