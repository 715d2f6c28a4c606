/**
 * Makes equal number lists one array instance. Most vNICs of a hypervisor share their rule lists, and a
 * shared instance is serialized once (structured clone keeps identity), so a rule set of 10k rules for
 * hundreds of vNICs stays a few MB instead of tens.
 */
export class SharedLists {
  #byHash = new Map<number, number[][]>();

  intern(list: number[]): number[] {
    const h = hashList(list);
    const bucket = this.#byHash.get(h);
    if (!bucket) {
      this.#byHash.set(h, [list]);
      return list;
    }
    const same = bucket.find((l) => equalLists(l, list));
    if (same) return same;
    bucket.push(list);
    return list;
  }
}

function hashList(list: readonly number[]): number {
  let h = 0x811c9dc5 ^ list.length;
  for (let i = 0; i < list.length; i++) h = Math.imul(h ^ list[i]!, 0x01000193);
  return h >>> 0;
}

function equalLists(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
