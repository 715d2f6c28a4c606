/** Live flows per vNIC handle, so per-vNIC limits and status reads cost no scan. */
export class VnicCounts {
  #counts = new Map<number, number>();

  get(vnic: number): number {
    return this.#counts.get(vnic >>> 0) ?? 0;
  }

  add(vnic: number): void {
    const key = vnic >>> 0;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  remove(vnic: number): void {
    const key = vnic >>> 0;
    const left = (this.#counts.get(key) ?? 1) - 1;
    if (left === 0) this.#counts.delete(key);
    else this.#counts.set(key, left);
  }

  clear(): void {
    this.#counts.clear();
  }
}
