import { BatchError } from './batch-errors.js';
import { leWordsToBuffer, readLeWords } from './le-words.js';

export const ACTION = { allow: 0, drop: 1, reject: 2 } as const;
export const REASON = {
  new: 0,
  established: 1,
  related: 2,
  invalid: 3,
  default: 4,
  spoof: 5,
  'unknown-vnic': 6,
  moved: 7,
} as const;

export type ActionName = keyof typeof ACTION;
export type ReasonName = keyof typeof REASON;

const ACTION_NAMES = Object.keys(ACTION) as ActionName[];
const REASON_NAMES = Object.keys(REASON) as ReasonName[];

/** Rule handle meaning "no rule decided this packet". */
export const NO_RULE = 0xffffffff;

export interface VerdictBatch {
  count: number;
  action: Uint8Array;
  reason: Uint8Array;
  /** Rule handle, NO_RULE = none. */
  rule: Uint32Array;
}

export interface JsonVerdict {
  action: ActionName;
  rule: string | null;
  policy: string | null;
  reason: ReasonName;
}

/** "OWV1" read as a little-endian u32. */
export const VERDICT_MAGIC = 0x3156574f;
export const VERDICT_HEADER_BYTES = 8;
export const VERDICT_RECORD_BYTES = 8;

/** Allocates verdicts that read allow / new / no rule until filled in. */
export function allocVerdicts(count: number): VerdictBatch {
  return {
    count,
    action: new Uint8Array(count),
    reason: new Uint8Array(count),
    rule: new Uint32Array(count).fill(NO_RULE),
  };
}

/** Record words: 0 = action | reason << 8 (reserved high half 0), 1 = rule handle. */
export function encodeBinaryVerdicts(v: VerdictBatch): ArrayBuffer {
  const w = new Uint32Array(2 + 2 * v.count);
  w[0] = VERDICT_MAGIC;
  w[1] = v.count;
  for (let i = 0, at = 2; i < v.count; i++, at += 2) {
    w[at] = v.action[i]! | (v.reason[i]! << 8);
    w[at + 1] = v.rule[i]!;
  }
  return leWordsToBuffer(w);
}

function bad(i: number, field: string, detail: string): BatchError {
  return new BatchError(i, field, detail, 'verdicts');
}

export function decodeBinaryVerdicts(buf: ArrayBuffer): VerdictBatch {
  const size = buf.byteLength;
  if (size < VERDICT_HEADER_BYTES) throw bad(-1, 'header', `${size} bytes is shorter than the 8-byte header`);
  const view = new DataView(buf);
  if (view.getUint32(0, true) !== VERDICT_MAGIC) throw bad(-1, 'header.magic', 'is not "OWV1"');
  const count = view.getUint32(4, true);
  const expected = VERDICT_HEADER_BYTES + VERDICT_RECORD_BYTES * count;
  if (size !== expected) throw bad(-1, 'length', `${size} bytes, expected 8 + 8 × ${count} = ${expected}`);
  const w = readLeWords(buf);
  const v = allocVerdicts(count);
  for (let i = 0, at = 2; i < count; i++, at += 2) {
    const head = w[at]!;
    const action = head & 0xff;
    const reason = (head >>> 8) & 0xff;
    if (action >= ACTION_NAMES.length) throw bad(i, 'action', `${action} is not a known action`);
    if (reason >= REASON_NAMES.length) throw bad(i, 'reason', `${reason} is not a known reason`);
    if (head >>> 16 !== 0) throw bad(i, 'reserved', `${head >>> 16} is not 0`);
    v.action[i] = action;
    v.reason[i] = reason;
    v.rule[i] = w[at + 1]!;
  }
  return v;
}

/** The JSON answer: rule and policy are null when no rule decided, or the handle is no longer known. */
export function verdictsToJson(
  v: VerdictBatch,
  ruleName: (handle: number) => { rule: string; policy: string } | undefined,
): JsonVerdict[] {
  const out: JsonVerdict[] = new Array(v.count);
  for (let i = 0; i < v.count; i++) {
    const handle = v.rule[i]!;
    const named = handle === NO_RULE ? undefined : ruleName(handle);
    out[i] = {
      action: ACTION_NAMES[v.action[i]!]!,
      rule: named?.rule ?? null,
      policy: named?.policy ?? null,
      reason: REASON_NAMES[v.reason[i]!]!,
    };
  }
  return out;
}
