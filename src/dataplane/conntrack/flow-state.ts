/** Per-flow state byte. TCP uses SYN_SENT..SYN_SENT2 (Linux nf_conntrack names); others UNREPLIED/REPLIED. */
export const FlowState = {
  /** a free entry; never the state of a live flow */
  NONE: 0,
  SYN_SENT: 1,
  SYN_RECV: 2,
  ESTABLISHED: 3,
  FIN_WAIT: 4,
  CLOSE_WAIT: 5,
  LAST_ACK: 6,
  TIME_WAIT: 7,
  CLOSE: 8,
  /** simultaneous open (a SYN answered by a SYN), as Linux's SYN_SENT2 */
  SYN_SENT2: 9,
  /** UDP, ICMP echo and other protocols before a reply */
  UNREPLIED: 10,
  /** UDP, ICMP echo and other protocols once the reply direction was seen */
  REPLIED: 11,
} as const;
export type FlowState = (typeof FlowState)[keyof typeof FlowState];

export const FLOW_STATE_NAMES: readonly string[] = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
  'UNREPLIED',
  'REPLIED',
];

export const MAX_FLOW_STATE = FlowState.REPLIED;

/** Per-flow flag bits (u8). */
export const FLOW_SEEN_REPLY = 1;
export const FLOW_ASSURED = 2;
/** set by the caller: the admitting policy is tcpStrict (no loose pickup) */
export const FLOW_TCP_STRICT = 4;
/** set by the caller: the flow was admitted by a stateful policy */
export const FLOW_STATEFUL = 8;
/** TCP flow picked up mid-stream (first packet was not a SYN) */
export const FLOW_LOOSE_PICKUP = 16;
export const FLOW_FIN_ORIGINAL = 32;
export const FLOW_FIN_REPLY = 64;

/** Flags a caller may set at insert; the others are owned by the state machine. */
export const CALLER_FLOW_FLAGS = FLOW_TCP_STRICT | FLOW_STATEFUL;

export const NO_RULE = 0xffffffff;

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;
