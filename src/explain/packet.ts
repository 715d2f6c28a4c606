import type { PacketFields } from '../dataplane/codec/index.js';
import { canonicalIp, parseIP, type ParsedAddress } from '../net/ip.js';
import { ExplainError } from './explain-error.js';
import type { ExplainQuery } from './types.js';

const ICMP = 1;
const ICMPV6 = 58;
const TCP = 6;
const UDP = 17;
/** source port of the explained packet when the query gives none: the first ephemeral port (RFC 6335) */
export const DEFAULT_SPORT = 49152;

/** The first packet of the connection explained, as the data plane and the rule walk read it. */
export interface ExplainPacket {
  src: string;
  dst: string;
  srcAddr: ParsedAddress;
  dstAddr: ParsedAddress;
  proto: number;
  /** ICMP: the type */
  sport: number;
  /** ICMP: the code */
  dport: number;
  /** the packet in the data plane's JSON form, without vnic and dir */
  fields: Omit<PacketFields, 'dir'>;
}

/** Builds the packet from the query and the two chosen addresses (same family). */
export function explainPacket(query: ExplainQuery, src: string, dst: string): ExplainPacket {
  const srcAddr = parseIP(src)!;
  const dstAddr = parseIP(dst)!;
  const v6 = srcAddr.family === 6;
  // "icmp" names ICMPv6 between IPv6 addresses, as a user typing it means
  const proto = query.proto === ICMP && v6 ? ICMPV6 : query.proto;
  const base = { src: canonicalIp(src)!, dst: canonicalIp(dst)!, srcAddr, dstAddr, proto };
  if (proto === ICMP || proto === ICMPV6) {
    if (query.sport !== undefined || query.dport !== undefined)
      throw new ExplainError('invalid-packet', 'dport', 'ICMP has no ports: give icmpType and icmpCode');
    const type = query.icmpType ?? (proto === ICMP ? 8 : 128);
    const code = query.icmpCode ?? 0;
    return { ...base, sport: type, dport: code, fields: { src, dst, proto, type, code, id: 0 } };
  }
  if (query.icmpType !== undefined || query.icmpCode !== undefined)
    throw new ExplainError('invalid-packet', 'icmpType', `applies to icmp only, not protocol ${proto}`);
  const ported = proto === TCP || proto === UDP;
  const sport = ported ? (query.sport ?? DEFAULT_SPORT) : 0;
  const dport = ported ? (query.dport ?? 0) : 0;
  if (!ported && (query.sport !== undefined || query.dport !== undefined))
    throw new ExplainError(
      'invalid-packet',
      'sport',
      `ports apply to tcp and udp only, not protocol ${proto}`,
    );
  const fields = { src, dst, proto, sport, dport, ...(proto === TCP ? { flags: 'S' } : {}) };
  return { ...base, sport, dport, fields };
}

/** Whether the parsed address is in the set (sorted inclusive ranges, see net/address-set.ts). */
export function addressIn(set: { v4: number[]; v6: number[] }, a: ParsedAddress): boolean {
  if (a.family === 4) {
    for (let i = 0; i < set.v4.length; i += 2) if (set.v4[i]! <= a.v4 && a.v4 <= set.v4[i + 1]!) return true;
    return false;
  }
  for (let i = 0; i < set.v6.length; i += 8)
    if (compare6(set.v6, i, a.v6) <= 0 && compare6(set.v6, i + 4, a.v6) >= 0) return true;
  return false;
}

function compare6(words: readonly number[], off: number, b: readonly number[]): number {
  for (let k = 0; k < 4; k++) if (words[off + k] !== b[k]) return words[off + k]! < b[k]! ? -1 : 1;
  return 0;
}
