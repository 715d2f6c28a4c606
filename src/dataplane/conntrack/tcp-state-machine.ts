import { FlowState } from './flow-state.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './tcp-flags.js';

/**
 * Linux nf_conntrack's tcp_conntracks table (net/netfilter/nf_conntrack_proto_tcp.c) without
 * window tracking. One deliberate difference: an original-direction SYN on an ESTABLISHED or
 * closing flow is INVALID here (Linux "ignores" it and lets the receiver answer).
 */
export const TCP_INVALID = 0xff;
/** the packet passes but does not change the state or the expiry */
export const TCP_IGNORE = 0xfe;

const PacketClass = { Syn: 0, SynAck: 1, Fin: 2, Ack: 3, Rst: 4, None: 5 } as const;
const CLASSES = 6;
const STATE_SLOTS = 16;

function packetClass(flags: number): number {
  if (flags & TCP_RST) return PacketClass.Rst;
  if (flags & TCP_SYN) return flags & TCP_ACK ? PacketClass.SynAck : PacketClass.Syn;
  if (flags & TCP_FIN) return PacketClass.Fin;
  if (flags & TCP_ACK) return PacketClass.Ack;
  return PacketClass.None;
}

/** flags byte -> packet class, so the hot path does one load instead of four tests */
const CLASS_OF_FLAGS = Uint8Array.from({ length: 256 }, (_, f) => packetClass(f));

const { SYN_SENT: SS, SYN_RECV: SR, ESTABLISHED: ES, FIN_WAIT: FW, CLOSE_WAIT: CW } = FlowState;
const { LAST_ACK: LA, TIME_WAIT: TW, CLOSE: CL, SYN_SENT2: S2 } = FlowState;
const IV = TCP_INVALID;
const IG = TCP_IGNORE;

// columns: NONE, SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE, SYN_SENT2
const ORIGINAL = [
  /* syn    */ [SS, SS, IG, IV, IV, IV, IV, SS, SS, S2],
  /* synack */ [IV, IV, SR, IV, IV, IV, IV, IV, IV, SR],
  /* fin    */ [IV, IV, FW, FW, LA, LA, LA, TW, CL, IV],
  /* ack    */ [ES, IV, ES, ES, CW, CW, TW, TW, CL, IV],
  /* rst    */ [IV, CL, CL, CL, CL, CL, CL, CL, CL, CL],
  /* none   */ [IV, IV, IV, IV, IV, IV, IV, IV, IV, IV],
];
const REPLY = [
  /* syn    */ [IV, S2, IV, IV, IV, IV, IV, SS, IV, S2],
  /* synack */ [IV, SR, IG, IG, IG, IG, IG, IG, IG, SR],
  /* fin    */ [IV, IV, FW, FW, LA, LA, LA, TW, CL, IV],
  /* ack    */ [IV, IG, SR, ES, CW, CW, TW, TW, CL, IG],
  /* rst    */ [IV, CL, CL, CL, CL, CL, CL, CL, CL, CL],
  /* none   */ [IV, IV, IV, IV, IV, IV, IV, IV, IV, IV],
];

/** [(reply * CLASSES + class) * STATE_SLOTS + state] -> next state, TCP_INVALID or TCP_IGNORE */
const TRANSITIONS = new Uint8Array(2 * CLASSES * STATE_SLOTS).fill(IV);
[ORIGINAL, REPLY].forEach((rows, reply) =>
  rows.forEach((row, cls) =>
    row.forEach((next, state) => (TRANSITIONS[(reply * CLASSES + cls) * STATE_SLOTS + state] = next)),
  ),
);

/** Next TCP state for a packet with `flags` in direction `reply` (0 original, 1 reply). */
export function nextTcpState(state: number, reply: number, flags: number): number {
  return TRANSITIONS[(reply * CLASSES + CLASS_OF_FLAGS[flags & 0xff]!) * STATE_SLOTS + state]!;
}

/** The state a first packet opens, as Linux's tcp_new; loose pickup makes a bare ACK ESTABLISHED. */
export function firstTcpState(flags: number, loose: boolean): number {
  const cls = CLASS_OF_FLAGS[flags & 0xff]!;
  if (cls === PacketClass.Syn) return SS;
  if (cls === PacketClass.Ack && loose) return ES;
  return IV;
}

export function isFin(flags: number): boolean {
  return CLASS_OF_FLAGS[flags & 0xff] === PacketClass.Fin;
}
