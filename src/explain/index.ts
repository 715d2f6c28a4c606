export { explain, planExplain, type ExplainInput, type ExplainPlan, type PlannedHop } from './explain.js';
export { ExplainError } from './explain-error.js';
export { DecisionPlanes, firstPacketDecision } from './first-packet.js';
export type * from './types.js';
