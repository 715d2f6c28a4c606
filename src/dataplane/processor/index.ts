export { DataPlane, type DataPlaneOptions, type TenantSummary } from './data-plane.js';
export type { RuleRef } from './rule-handles.js';
export { COUNTER_BLOCK_HANDLES, type CounterBlock, type RuleStats } from './rule-counters.js';
export type { FlowLogEntry, FlowLogFilter } from './flow-log.js';
export {
  compressRecords,
  expandRecords,
  FLOW_LOG_RECORD_BYTES,
  FlowLogRecords,
  type FlowLogNames,
} from './flow-log-records.js';
export type { TenantState, VnicLabel } from './tenant-state.js';
export type { CounterSnapshot } from './counter-snapshot.js';
export { FLOW_OPENED_IN, flowOpenedDir, flowRuleHandle, flowRuleWord } from './flow-rule-word.js';
export * from './flow-transfer.js';
export * from './impact.js';
