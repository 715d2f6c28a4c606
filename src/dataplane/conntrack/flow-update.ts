import type { ConntrackTimeouts } from '../../policy/types.js';
import {
  FLOW_ASSURED,
  FLOW_FIN_ORIGINAL,
  FLOW_FIN_REPLY,
  FLOW_LOOSE_PICKUP,
  FLOW_SEEN_REPLY,
  FlowState,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
} from './flow-state.js';
import { FLAGS_SHIFT, STATE_SHIFT, W_EXPIRY, W_META } from './flow-layout.js';
import { TCP_IGNORE, TCP_INVALID, isFin, nextTcpState } from './tcp-state-machine.js';
import { tcpTimeout } from './timeouts.js';

export const APPLY_INVALID = -1;
export const APPLY_UNCHANGED = 0;
/** state or flags changed: the flow must be persisted again */
export const APPLY_CHANGED = 1;

const NEW_CONNECTION_CLEARS =
  FLOW_SEEN_REPLY | FLOW_ASSURED | FLOW_LOOSE_PICKUP | FLOW_FIN_ORIGINAL | FLOW_FIN_REPLY;

/** Applies one packet of a tracked flow to its entry at `base` and refreshes the expiry. */
export function applyPacket(
  words: Int32Array,
  base: number,
  reply: number,
  tcpFlags: number,
  now: number,
  t: ConntrackTimeouts,
): number {
  const meta = words[base + W_META]!;
  const proto = meta & 0xff;
  const state = (meta >>> STATE_SHIFT) & 0xff;
  const flags = (meta >>> FLAGS_SHIFT) & 0xff;
  if (proto !== PROTO_TCP) return applyStateless(words, base, meta, proto, state, flags, reply, now, t);

  let next = nextTcpState(state, reply, tcpFlags);
  if (next === state && state === FlowState.ESTABLISHED && (reply === 0 || flags & FLOW_ASSURED)) {
    words[base + W_EXPIRY] = now + t.tcpEstablished;
    return APPLY_UNCHANGED;
  }
  if (next === TCP_INVALID) return APPLY_INVALID;
  if (next === TCP_IGNORE) return APPLY_UNCHANGED;

  let nextFlags = flags;
  if (next === FlowState.SYN_SENT && (state === FlowState.TIME_WAIT || state === FlowState.CLOSE)) {
    nextFlags &= ~NEW_CONNECTION_CLEARS;
  }
  if (isFin(tcpFlags)) {
    const mine = reply ? FLOW_FIN_REPLY : FLOW_FIN_ORIGINAL;
    // A retransmitted FIN of the side that closed first is not the peer's FIN.
    if ((state === FlowState.FIN_WAIT || state === FlowState.CLOSE_WAIT) && nextFlags & mine) next = state;
    nextFlags |= mine;
  }
  if (reply) nextFlags |= FLOW_SEEN_REPLY;
  if (next === FlowState.ESTABLISHED && nextFlags & FLOW_SEEN_REPLY) nextFlags |= FLOW_ASSURED;

  words[base + W_EXPIRY] = now + tcpTimeout(next, t);
  if (next === state && nextFlags === flags) return APPLY_UNCHANGED;
  words[base + W_META] = (meta & ~0xffff00) | (next << STATE_SHIFT) | (nextFlags << FLAGS_SHIFT);
  return APPLY_CHANGED;
}

function applyStateless(
  words: Int32Array,
  base: number,
  meta: number,
  proto: number,
  state: number,
  flags: number,
  reply: number,
  now: number,
  t: ConntrackTimeouts,
): number {
  const icmp = proto === PROTO_ICMP || proto === PROTO_ICMPV6;
  let next = state;
  let nextFlags = flags;
  if (reply) {
    next = FlowState.REPLIED;
    nextFlags |= icmp ? FLOW_SEEN_REPLY : FLOW_SEEN_REPLY | FLOW_ASSURED;
  }
  const timeout = icmp ? t.icmp : nextFlags & FLOW_ASSURED ? t.udpAssured : t.udpUnreplied;
  words[base + W_EXPIRY] = now + timeout;
  if (next === state && nextFlags === flags) return APPLY_UNCHANGED;
  words[base + W_META] = (meta & ~0xffff00) | (next << STATE_SHIFT) | (nextFlags << FLAGS_SHIFT);
  return APPLY_CHANGED;
}
