import type { VnicLabel } from './tenant-state.js';

/**
 * Small integers interned per (tenant, workload, vNIC) for the life of the data plane: flow-log records
 * name their vNIC by label id, so a record keeps its names after the workload is gone.
 */
export class VnicLabels {
  #byKey = new Map<string, number>();
  #labels: VnicLabel[] = [];

  get size(): number {
    return this.#labels.length;
  }

  intern(tenant: string, workload: string, vnic: string): number {
    const key = `${tenant}\u0000${workload}\u0000${vnic}`;
    let id = this.#byKey.get(key);
    if (id === undefined) {
      id = this.#labels.push(Object.freeze({ tenant, workload, vnic })) - 1;
      this.#byKey.set(key, id);
    }
    return id;
  }

  label(id: number): VnicLabel | undefined {
    return this.#labels[id];
  }

  /** Labels from id `from` on, in id order (for persistence). */
  list(from = 0): readonly VnicLabel[] {
    return this.#labels.slice(from);
  }

  /** Appends persisted labels; ids already interned must name the same labels (restore first). */
  restore(labels: readonly VnicLabel[]): void {
    labels.forEach((l, id) => {
      if (id < this.#labels.length) {
        const have = this.#labels[id]!;
        if (have.tenant !== l.tenant || have.workload !== l.workload || have.vnic !== l.vnic)
          throw new Error(`vNIC label ${id} already names ${have.tenant}/${have.workload}/${have.vnic}`);
        return;
      }
      if (this.intern(l.tenant, l.workload, l.vnic) !== id)
        throw new Error(`vNIC label ${l.tenant}/${l.workload}/${l.vnic} appears twice in the table`);
    });
  }
}
