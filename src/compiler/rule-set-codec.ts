import type { AddressMatch, AddressSet, CompiledRuleSet } from './types.js';

type StoredMatch = Omit<AddressMatch, 'set'> & { set: number };

/** A compiled rule set as compact JSON: address sets shared between rules are written once. */
export interface StoredRuleSet extends Omit<CompiledRuleSet, 'rules' | 'vnics'> {
  sets: AddressSet[];
  rules: (Omit<CompiledRuleSet['rules'][number], 'src' | 'dst'> & { src: StoredMatch; dst: StoredMatch })[];
  vnics: CompiledRuleSet['vnics'];
}

export function packRuleSet(rs: CompiledRuleSet): StoredRuleSet {
  const ids = new Map<AddressSet, number>();
  const sets: AddressSet[] = [];
  const intern = (m: AddressMatch): StoredMatch => {
    let id = ids.get(m.set);
    if (id === undefined) {
      id = sets.push(m.set) - 1;
      ids.set(m.set, id);
    }
    return { any: m.any, negate: m.negate, set: id };
  };
  return { ...rs, sets, rules: rs.rules.map((r) => ({ ...r, src: intern(r.src), dst: intern(r.dst) })) };
}

export function unpackRuleSet(stored: StoredRuleSet): CompiledRuleSet {
  const { sets, ...rest } = stored;
  const match = (m: StoredMatch): AddressMatch => ({ any: m.any, negate: m.negate, set: sets[m.set]! });
  return { ...rest, rules: stored.rules.map((r) => ({ ...r, src: match(r.src), dst: match(r.dst) })) };
}
