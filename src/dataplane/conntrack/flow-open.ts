import type { ConntrackTimeouts } from '../../policy/types.js';
import { ConntrackError } from './errors.js';
import { metaOf } from './flow-layout.js';
import {
  CALLER_FLOW_FLAGS,
  FLOW_LOOSE_PICKUP,
  FLOW_TCP_STRICT,
  FlowState,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_TCP,
} from './flow-state.js';
import { TCP_INVALID, firstTcpState } from './tcp-state-machine.js';
import { tcpTimeout } from './timeouts.js';

/**
 * The meta word and timeout of a flow opened by its first packet, or -1 when that packet cannot
 * open one: TCP SYN -> SYN_SENT; a bare ACK -> ESTABLISHED unless tcpStrict (Linux's
 * nf_conntrack_tcp_loose); anything else TCP is untrackable. Others start UNREPLIED.
 */
export function openingMeta(proto: number, tcpFlags: number, flowFlags: number): number {
  let flags = flowFlags & CALLER_FLOW_FLAGS;
  if (proto !== PROTO_TCP) return metaOf(proto, FlowState.UNREPLIED, flags);
  const state = firstTcpState(tcpFlags, (flags & FLOW_TCP_STRICT) === 0);
  if (state === TCP_INVALID) return -1;
  if (state === FlowState.ESTABLISHED) flags |= FLOW_LOOSE_PICKUP;
  return metaOf(proto, state, flags);
}

export function openingTimeout(proto: number, state: number, t: ConntrackTimeouts): number {
  if (proto === PROTO_TCP) return tcpTimeout(state, t);
  return proto === PROTO_ICMP || proto === PROTO_ICMPV6 ? t.icmp : t.udpUnreplied;
}

export function checkFlowKey(proto: number, sport: number, dport: number): void {
  const u8 = proto >>> 0 === proto && proto <= 0xff;
  const u16 = sport >>> 0 === sport && sport <= 0xffff && dport >>> 0 === dport && dport <= 0xffff;
  if (!u8 || !u16) {
    throw new ConntrackError('BAD_FLOW_KEY', `bad flow key: proto ${proto}, ports ${sport} -> ${dport}`);
  }
}
