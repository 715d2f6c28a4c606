/**
 * One flow is a fixed run of Int32 words in a store's `words` array (stride 8 for IPv4, 16 for IPv6).
 * The value words come first so the packet update is the same code for both families.
 *
 *   0 META    proto (bits 0-7) | state (8-15) | flags (16-23) | aux (24-31, table bookkeeping)
 *   1 EXPIRY  absolute seconds, u32
 *   2 RULE    admitting rule handle, u32 (0xFFFFFFFF none)
 *   3 HASH    the key's symmetric hash (next free entry while the entry is free)
 *   4 VNIC    u32 handle
 *   5 PORTS   sport << 16 | dport, original direction (ICMP echo: id << 16 | id)
 *   6 SRC     1 or 4 words, then DST the same
 */
export const W_META = 0;
export const W_EXPIRY = 1;
export const W_RULE = 2;
export const W_HASH = 3;
export const W_VNIC = 4;
export const W_PORTS = 5;
export const W_SRC = 6;

export const V4_SHIFT = 3;
export const V6_SHIFT = 4;

export const STATE_SHIFT = 8;
export const FLAGS_SHIFT = 16;
/** aux bit: the flow is in the dirty log and not yet taken */
export const AUX_DIRTY = 1 << 24;

export function metaOf(proto: number, state: number, flags: number): number {
  return (proto & 0xff) | (state << STATE_SHIFT) | ((flags & 0xff) << FLAGS_SHIFT);
}

/**
 * A flow reference: entry id << 2 | isIPv6 << 1 | isReply. Valid until the flow is deleted or
 * expired; the entry id may then be reused by another flow.
 */
export const REF_REPLY = 1;
export const REF_V6 = 2;

export function refIsReply(ref: number): boolean {
  return (ref & REF_REPLY) !== 0;
}

export function refFamily(ref: number): 4 | 6 {
  return ref & REF_V6 ? 6 : 4;
}
