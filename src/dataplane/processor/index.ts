export { DataPlane, type DataPlaneOptions, type TenantSummary } from './data-plane.js';
export type { RuleRef } from './rule-handles.js';
export type { RuleStats } from './rule-counters.js';
export type { FlowLogEntry, FlowLogFilter } from './flow-log.js';
export type { CounterSnapshot } from './counter-snapshot.js';
export { FLOW_OPENED_IN, flowOpenedDir, flowRuleHandle, flowRuleWord } from './flow-rule-word.js';
export * from './flow-transfer.js';
