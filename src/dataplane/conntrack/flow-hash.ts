/**
 * Symmetric flow hashes: both orientations of a flow hash alike (the two endpoint hashes are
 * added), so one index slot serves lookups from either side. Mixing is murmur3's fmix32.
 */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function endpoint4(addr: number, port: number): number {
  return fmix(Math.imul(addr, 0x9e3779b1) ^ port);
}

function endpoint6(w: ArrayLike<number>, off: number, port: number): number {
  let h = Math.imul(w[off]! ^ port, 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 15) ^ w[off + 1]!, 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 15) ^ w[off + 2]!, 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 15) ^ w[off + 3]!, 0x5bd1e995);
  return fmix(h);
}

function combine(a: number, b: number, vnic: number, proto: number): number {
  return fmix((a + b) ^ Math.imul(vnic, 0x27d4eb2f) ^ (proto << 24)) | 0;
}

export function hashFlow4(
  vnic: number,
  proto: number,
  src: number,
  dst: number,
  sport: number,
  dport: number,
) {
  return combine(endpoint4(src, sport), endpoint4(dst, dport), vnic, proto);
}

export function hashFlow6(
  vnic: number,
  proto: number,
  src: ArrayLike<number>,
  srcOff: number,
  dst: ArrayLike<number>,
  dstOff: number,
  sport: number,
  dport: number,
) {
  return combine(endpoint6(src, srcOff, sport), endpoint6(dst, dstOff, dport), vnic, proto);
}
