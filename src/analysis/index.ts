export * from './analyse-tenant.js';
export * from './findings.js';
export * from './findings-csv.js';
export * from './tenant-view.js';
export type { Packet } from './rule-space.js';
