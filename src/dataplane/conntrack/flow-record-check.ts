import { ConntrackError } from './errors.js';
import { FlowState, MAX_FLOW_STATE, PROTO_TCP } from './flow-state.js';
import { FLOW_RECORD_BYTES, FLOW_RECORD_VERSION } from './flow-record.js';

/** Wraps bytes as a DataView over whole records, or throws BAD_RECORD_LENGTH. */
export function recordView(records: ArrayBuffer | Uint8Array): DataView {
  const bytes = records instanceof Uint8Array ? records : new Uint8Array(records);
  if (bytes.byteLength % FLOW_RECORD_BYTES !== 0) {
    throw new ConntrackError(
      'BAD_RECORD_LENGTH',
      `flow records are ${FLOW_RECORD_BYTES} bytes each; got ${bytes.byteLength} bytes`,
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws BAD_RECORD naming record `i` when its bytes cannot be a flow. */
export function checkFlowRecord(view: DataView, i: number): void {
  const off = i * FLOW_RECORD_BYTES;
  const fail = (why: string): never => {
    throw new ConntrackError('BAD_RECORD', `flow record ${i}: ${why}`);
  };
  const family = view.getUint8(off + 4);
  if (family !== 4 && family !== 6) fail(`family ${family} is not 4 or 6`);
  const version = view.getUint8(off + 46);
  if (version !== FLOW_RECORD_VERSION) fail(`version ${version} is not ${FLOW_RECORD_VERSION}`);
  const state = view.getUint8(off + 44);
  const tcp = view.getUint8(off + 5) === PROTO_TCP;
  const valid = tcp
    ? state >= FlowState.SYN_SENT && state <= FlowState.SYN_SENT2
    : state === FlowState.UNREPLIED || state === MAX_FLOW_STATE;
  if (!valid) fail(`state ${state} does not fit protocol ${view.getUint8(off + 5)}`);
  if (family === 4) {
    for (let w = 1; w < 4; w++) {
      if (view.getUint32(off + 12 + w * 4, true) !== 0 || view.getUint32(off + 28 + w * 4, true) !== 0) {
        fail('IPv4 address with nonzero high words');
      }
    }
  }
}
