/** The decoded form of a packet batch, shared by the JSON and binary wire formats. */
export interface PacketBatch {
  count: number;
  /** Global vNIC handle. */
  vnic: Uint32Array;
  /** 0 = out, 1 = in. */
  dir: Uint8Array;
  /** 4 | 6. */
  family: Uint8Array;
  proto: Uint8Array;
  /** TCP flag bits (see tcp-flags.ts); always 0 for non-TCP packets. */
  flags: Uint8Array;
  /** ICMP/ICMPv6: type. */
  sport: Uint16Array;
  /** ICMP/ICMPv6: code. */
  dport: Uint16Array;
  /** ICMP echo identifier, 0 for other protocols. */
  icmpId: Uint16Array;
  /** Packet length in bytes. */
  len: Uint16Array;
  /** 4 big-endian words per packet; IPv4 in word 0, the other words 0. */
  src: Uint32Array;
  dst: Uint32Array;
  /**
   * 1 when the packet is an ICMP/ICMPv6 error carrying the header it quotes (the inner* fields),
   * else 0 and the inner* fields are 0. Only the JSON format carries it.
   */
  hasInner: Uint8Array;
  /** Quoted header: protocol. */
  innerProto: Uint8Array;
  /** Quoted header: ports; for a quoted ICMP echo, innerSport is its identifier. */
  innerSport: Uint16Array;
  innerDport: Uint16Array;
  /** Quoted header: addresses, same family and layout as src/dst. */
  innerSrc: Uint32Array;
  innerDst: Uint32Array;
}

export const DIR = { out: 0, in: 1 } as const;

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_ICMPV6 = 58;

/** ICMP fields apply to both protocol numbers whatever the address family: the agent reports what it saw. */
export function isIcmp(proto: number): boolean {
  return proto === PROTO_ICMP || proto === PROTO_ICMPV6;
}

/** Bytes of one packet across all the arrays of a batch. */
const PACKET_BYTES = 4 + 4 * 16 + 6 * 2 + 6 * 1;

/** Allocates a zeroed batch; all arrays share one buffer so small batches cost one allocation, not eighteen. */
export function allocBatch(count: number): PacketBatch {
  const mem = new ArrayBuffer(count * PACKET_BYTES);
  let at = 0;
  const take = <T>(
    View: new (b: ArrayBuffer, off: number, len: number) => T,
    len: number,
    size: number,
  ): T => {
    const view = new View(mem, at, len);
    at += len * size;
    return view;
  };
  // Widest elements first keeps every view aligned.
  const vnic = take(Uint32Array, count, 4);
  const src = take(Uint32Array, count * 4, 4);
  const dst = take(Uint32Array, count * 4, 4);
  const innerSrc = take(Uint32Array, count * 4, 4);
  const innerDst = take(Uint32Array, count * 4, 4);
  const sport = take(Uint16Array, count, 2);
  const dport = take(Uint16Array, count, 2);
  const icmpId = take(Uint16Array, count, 2);
  const len = take(Uint16Array, count, 2);
  const innerSport = take(Uint16Array, count, 2);
  const innerDport = take(Uint16Array, count, 2);
  const dir = take(Uint8Array, count, 1);
  const family = take(Uint8Array, count, 1);
  const proto = take(Uint8Array, count, 1);
  const flags = take(Uint8Array, count, 1);
  const hasInner = take(Uint8Array, count, 1);
  const innerProto = take(Uint8Array, count, 1);
  return {
    count,
    vnic,
    dir,
    family,
    proto,
    flags,
    sport,
    dport,
    icmpId,
    len,
    src,
    dst,
    hasInner,
    innerProto,
    innerSport,
    innerDport,
    innerSrc,
    innerDst,
  };
}
