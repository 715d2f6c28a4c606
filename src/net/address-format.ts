import type { AddressSet } from './address-set.js';
import { formatIPv4, formatIPv6 } from './ip.js';

/** The set as the fewest CIDRs ("10.0.0.5/32", "2001:db8::/64"), v4 first, for API output. */
export function addressSetToCidrs(set: AddressSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < set.v4.length; i += 2) {
    splitRange(BigInt(set.v4[i]!), BigInt(set.v4[i + 1]!), 32, (base, len) =>
      out.push(`${formatIPv4(Number(base))}/${len}`),
    );
  }
  for (let i = 0; i < set.v6.length; i += 8) {
    splitRange(toBig(set.v6, i), toBig(set.v6, i + 4), 128, (base, len) =>
      out.push(`${formatIPv6(fromBig(base))}/${len}`),
    );
  }
  return out;
}

function splitRange(lo: bigint, hi: bigint, bits: number, emit: (base: bigint, len: number) => void): void {
  while (lo <= hi) {
    let size = 0;
    while (
      size < bits &&
      (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      lo + (1n << BigInt(size + 1)) - 1n <= hi
    ) {
      size++;
    }
    emit(lo, bits - size);
    lo += 1n << BigInt(size);
  }
}

function toBig(words: readonly number[], at: number): bigint {
  let n = 0n;
  for (let k = 0; k < 4; k++) n = (n << 32n) | BigInt(words[at + k]! >>> 0);
  return n;
}

function fromBig(n: bigint): number[] {
  const mask = 0xffffffffn;
  return [Number((n >> 96n) & mask), Number((n >> 64n) & mask), Number((n >> 32n) & mask), Number(n & mask)];
}
