import type { Family } from '../../net/ip.js';

export const ICMP_ECHO_REPLY = 0;
export const ICMP_ECHO_REQUEST = 8;
export const ICMPV6_ECHO_REQUEST = 128;
export const ICMPV6_ECHO_REPLY = 129;

/** Echo requests open a flow keyed by their identifier; the replies match it in the reply direction. */
export function isIcmpEchoRequest(family: Family, type: number): boolean {
  return type === (family === 4 ? ICMP_ECHO_REQUEST : ICMPV6_ECHO_REQUEST);
}

export function isIcmpEchoReply(family: Family, type: number): boolean {
  return type === (family === 4 ? ICMP_ECHO_REPLY : ICMPV6_ECHO_REPLY);
}

/**
 * ICMP errors that embed the offending packet's header (v4: unreachable, source quench, redirect,
 * time exceeded, parameter problem; v6: unreachable, packet too big, time exceeded, parameter problem).
 */
export function isIcmpError(family: Family, type: number): boolean {
  if (family === 6) return type >= 1 && type <= 4;
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}
