/**
 * One service entry: proto -1 = any protocol. Port lists are [lo, hi, ...] inclusive; empty = any.
 * For ICMP/ICMPv6 `sport` holds the allowed ICMP types and `dport` the codes.
 */
export interface ServiceMatch {
  proto: number;
  sport: number[];
  dport: number[];
}
