export * from './conntrack-table.js';
export * from './flow-table.js';
export * from './table-contract.js';
export * from './errors.js';
export * from './flow-state.js';
export * from './tcp-flags.js';
export * from './timeouts.js';
export * from './icmp.js';
export { refIsReply, refFamily } from './flow-layout.js';
export {
  FLOW_RECORD_BYTES,
  FLOW_KEY_BYTES,
  FLOW_RECORD_VERSION,
  flowRecordKey,
  readFlowRecord,
} from './flow-record.js';
export type { FlowInfo } from './flow-record.js';
