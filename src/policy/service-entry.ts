import type { ServiceMatch } from '../net/service-match.js';
import { PolicyError } from './policy-error.js';
import { parsePorts } from './ports.js';
import { isIcmpProtocol, parseProtocol, protocolHasPorts } from './protocols.js';
import type { ServiceEntry } from './types.js';

/**
 * Validates one service entry and converts it to its match form: protocol number (-1 = any), source and
 * destination port ranges, or for ICMP/ICMPv6 the type (in `sport`) and code (in `dport`).
 */
export function toServiceMatch(entry: ServiceEntry): ServiceMatch {
  const proto = parseProtocol(entry.proto);
  const hasPorts = entry.ports !== undefined || entry.sourcePorts !== undefined;
  const hasIcmp = entry.icmpType !== undefined || entry.icmpCode !== undefined;
  if (hasPorts && !protocolHasPorts(proto)) {
    throw invalid(entry, `ports need tcp, udp, dccp, sctp or udplite, not ${JSON.stringify(entry.proto)}`);
  }
  if (hasIcmp && !isIcmpProtocol(proto)) {
    throw invalid(entry, `icmpType/icmpCode need icmp or icmpv6, not ${JSON.stringify(entry.proto)}`);
  }
  if (isIcmpProtocol(proto)) {
    return { proto, sport: icmpValue(entry.icmpType, entry), dport: icmpValue(entry.icmpCode, entry) };
  }
  return { proto, sport: parsePorts(entry.sourcePorts), dport: parsePorts(entry.ports) };
}

function icmpValue(value: number | undefined, entry: ServiceEntry): number[] {
  if (value === undefined) return [];
  if (!Number.isInteger(value) || value < 0 || value > 255)
    throw invalid(entry, `ICMP value ${value} not 0-255`);
  return [value, value];
}

function invalid(entry: ServiceEntry, reason: string): PolicyError {
  return new PolicyError('invalid-service', `invalid service entry: ${reason}`, { entry, reason });
}
