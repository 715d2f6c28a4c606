/**
 * Sets of small non-negative integers (workload / vNIC indices) as sorted arrays without duplicates.
 * Functions never mutate their inputs and may return an input as is.
 */
export type IndexSet = readonly number[];

export const EMPTY_SET: IndexSet = Object.freeze([]);

export function intersect(a: IndexSet, b: IndexSet): IndexSet {
  if (a.length === 0 || b.length === 0) return EMPTY_SET;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

export function difference(a: IndexSet, b: IndexSet): IndexSet {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return out;
}

/** All of 0..size-1 not in `a`. */
export function complement(a: IndexSet, size: number): IndexSet {
  const out: number[] = [];
  let j = 0;
  for (let x = 0; x < size; x++) {
    if (j < a.length && a[j] === x) j++;
    else out.push(x);
  }
  return out;
}

/** Union of many sets whose elements are all below `size`. */
export function unionAll(sets: readonly IndexSet[], size: number): IndexSet {
  const nonEmpty = sets.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return EMPTY_SET;
  if (nonEmpty.length === 1) return nonEmpty[0]!;
  if (nonEmpty.length <= 4) return nonEmpty.reduce(union);
  let total = 0;
  for (const s of nonEmpty) total += s.length;
  if (total * 16 < size) {
    const all = new Float64Array(total);
    let k = 0;
    for (const s of nonEmpty) for (const x of s) all[k++] = x;
    all.sort();
    const out: number[] = [];
    for (const x of all) if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
    return out;
  }
  const marks = new Uint8Array(size);
  for (const s of nonEmpty) for (const x of s) marks[x] = 1;
  const out: number[] = [];
  for (let x = 0; x < size; x++) if (marks[x]) out.push(x);
  return out;
}

export function union(a: IndexSet, b: IndexSet): IndexSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) {
      out.push(x);
      i++;
      if (x === y) j++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
