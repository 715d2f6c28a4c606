import { PolicyError } from './policy-error.js';

export const PROTO_ANY = -1;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

const NAMED: Record<string, number> = {
  any: PROTO_ANY,
  icmp: PROTO_ICMP,
  tcp: PROTO_TCP,
  udp: PROTO_UDP,
  icmpv6: PROTO_ICMPV6,
};

/** Protocols whose packets carry ports (tcp, udp, dccp, sctp, udplite). */
const WITH_PORTS = new Set([6, 17, 33, 132, 136]);

/** "tcp" | "udp" | "icmp" | "icmpv6" | "any" (case-insensitive) or 0-255 → IP protocol number, -1 for any. */
export function parseProtocol(proto: string | number): number {
  if (typeof proto === 'string') {
    const named = NAMED[proto.toLowerCase()];
    if (named !== undefined) return named;
    if (/^\d{1,3}$/.test(proto)) return parseProtocol(Number(proto));
  } else if (Number.isInteger(proto) && proto >= 0 && proto <= 255) {
    return proto;
  }
  throw new PolicyError('invalid-protocol', `unknown protocol ${JSON.stringify(proto)}`, { proto });
}

export function protocolHasPorts(proto: number): boolean {
  return WITH_PORTS.has(proto);
}

export function isIcmpProtocol(proto: number): boolean {
  return proto === PROTO_ICMP || proto === PROTO_ICMPV6;
}
