/** What callers of the table branch on: update results, insert codes and construction options. */

export type UpdateResult = 'established' | 'invalid' | 'expired';

/** lookup: no such flow */
export const NO_FLOW = -1;
/** insert: maxFlows reached (Linux: "table full, dropping packet") */
export const TABLE_FULL = -2;
/** insert: the first packet cannot open a flow (TCP RST/FIN/SYN-ACK, or not a SYN under tcpStrict) */
export const UNTRACKABLE = -3;

export interface ConntrackTableOptions {
  /** IPv4 flows to size for before growing (default 1024) */
  initialCapacity?: number;
  /** IPv6 flows to size for before growing (default 256) */
  initialCapacity6?: number;
  /** live flows (both families) beyond which insert answers TABLE_FULL (default 2,000,000) */
  maxFlows?: number;
  /** keep the dirty log for takeDirty() (default true); turn off when nothing persists */
  trackDirty?: boolean;
}
