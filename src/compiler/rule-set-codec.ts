import type { AddressMatch, AddressSet, CompiledRuleSet } from './types.js';

type StoredMatch = Omit<AddressMatch, 'set'> & { set: number };

type StoredVnic = Omit<CompiledRuleSet['vnics'][number], 'out' | 'in'> & { out: number; in: number };

/** A compiled rule set as compact JSON: address sets and rule lists shared by reference are written once. */
export interface StoredRuleSet extends Omit<CompiledRuleSet, 'rules' | 'vnics'> {
  sets: AddressSet[];
  lists: number[][];
  rules: (Omit<CompiledRuleSet['rules'][number], 'src' | 'dst'> & { src: StoredMatch; dst: StoredMatch })[];
  vnics: StoredVnic[];
}

/** Index of each distinct object (by identity) in a table, added on first sight. */
function interner<T extends object>(table: T[]): (item: T) => number {
  const ids = new Map<T, number>();
  return (item) => {
    let id = ids.get(item);
    if (id === undefined) {
      id = table.push(item) - 1;
      ids.set(item, id);
    }
    return id;
  };
}

export function packRuleSet(rs: CompiledRuleSet): StoredRuleSet {
  const sets: AddressSet[] = [];
  const lists: number[][] = [];
  const set = interner(sets);
  const list = interner(lists);
  const match = (m: AddressMatch): StoredMatch => ({ any: m.any, negate: m.negate, set: set(m.set) });
  return {
    ...rs,
    sets,
    lists,
    rules: rs.rules.map((r) => ({ ...r, src: match(r.src), dst: match(r.dst) })),
    vnics: rs.vnics.map((v) => ({ ...v, out: list(v.out), in: list(v.in) })),
  };
}

export function unpackRuleSet(stored: StoredRuleSet): CompiledRuleSet {
  const { sets, lists, ...rest } = stored;
  const match = (m: StoredMatch): AddressMatch => ({ any: m.any, negate: m.negate, set: sets[m.set]! });
  return {
    ...rest,
    rules: stored.rules.map((r) => ({ ...r, src: match(r.src), dst: match(r.dst) })),
    vnics: stored.vnics.map((v) => ({ ...v, out: lists[v.out]!, in: lists[v.in]! })),
  };
}
