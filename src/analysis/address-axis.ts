import { formatIPv4, formatIPv6 } from '../net/ip.js';

export type Family = 4 | 6;

const MAX: Record<Family, bigint> = { 4: 0xffffffffn, 6: (1n << 128n) - 1n };

/**
 * One family's addresses cut into the elementary intervals between every range end of the rules, so
 * cubes hold small interval numbers instead of 128-bit addresses; interval k starts at starts[k].
 */
export class AddressAxis {
  readonly family: Family;
  readonly #starts: bigint[];
  readonly #index: Map<bigint, number>;

  constructor(family: Family, ranges: readonly (readonly bigint[])[]) {
    this.family = family;
    const cuts = new Set<bigint>([0n]);
    for (const list of ranges) {
      for (let i = 0; i < list.length; i += 2) {
        cuts.add(list[i]!);
        if (list[i + 1]! < MAX[family]) cuts.add(list[i + 1]! + 1n);
      }
    }
    this.#starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.#index = new Map(this.#starts.map((s, i) => [s, i]));
  }

  get full(): number[] {
    return [0, this.#starts.length - 1];
  }

  /** Interval ranges of address ranges that were given to the constructor. */
  toCoordinates(list: readonly bigint[]): number[] {
    const out: number[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const hi =
        list[i + 1]! === MAX[this.family] ? this.#starts.length : this.#index.get(list[i + 1]! + 1n)!;
      out.push(this.#index.get(list[i]!)!, hi - 1);
    }
    return out;
  }

  /** The first address of interval k, as text. */
  address(k: number): string {
    const a = this.#starts[k]!;
    if (this.family === 4) return formatIPv4(Number(a));
    const words = [0, 1, 2, 3].map((i) => Number((a >> BigInt(96 - 32 * i)) & 0xffffffffn));
    return formatIPv6(words);
  }
}

export function familyMax(family: Family): bigint {
  return MAX[family];
}
