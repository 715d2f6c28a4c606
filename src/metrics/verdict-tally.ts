import { ACTION, REASON, type ActionName, type ReasonName } from '../dataplane/codec/index.js';

const ACTION_NAMES = Object.keys(ACTION) as ActionName[];
const REASON_NAMES = Object.keys(REASON) as ReasonName[];
const REASONS = REASON_NAMES.length;
/** Cells per tenant: one per (action, reason). */
export const TALLY_CELLS = ACTION_NAMES.length * REASONS;
/** vNIC handles below this resolve through an array, the rest through a map (as in DataPlane). */
const DENSE_HANDLES = 65536;
/** The tenant of packets whose vNIC no rule set names; no tenant id is empty. */
export const NO_TENANT = '';

export interface TallyRow {
  tenant: string;
  action: ActionName;
  reason: ReasonName;
  packets: number;
  bytes: number;
}

/** One tenant's cells as stored: packets of every cell, then bytes of every cell. */
export interface TallyBlock {
  tenant: string;
  data: Float64Array;
}

interface Batch {
  count: number;
  vnic: Uint32Array;
  len: ArrayLike<number>;
}

interface Verdicts {
  action: Uint8Array;
  reason: Uint8Array;
}

/**
 * Packets and bytes judged, per (tenant, action, reason), counted from a batch's verdicts after the data
 * plane has judged it: one pass over three typed arrays, no allocation, no per-flow state. Tenants get a
 * slot on first sight; the vNIC → slot lookup is an Int32Array, cached across runs of one vNIC.
 */
export class VerdictTally {
  readonly #tenants: string[] = [NO_TENANT];
  readonly #slotOf = new Map<string, number>([[NO_TENANT, 0]]);
  #dense = new Int32Array(0);
  readonly #sparse = new Map<number, number>();
  #packets = new Float64Array(TALLY_CELLS);
  #bytes = new Float64Array(TALLY_CELLS);
  #dirty = new Uint8Array(1);

  /** Packets of this vNIC count for this tenant from now on. */
  assign(handle: number, tenant: string): void {
    const slot = this.#slot(tenant);
    if (handle >= DENSE_HANDLES) {
      this.#sparse.set(handle, slot);
      return;
    }
    if (handle >= this.#dense.length) {
      const grown = new Int32Array(Math.min(DENSE_HANDLES, Math.max(handle + 1, this.#dense.length * 2)));
      grown.set(this.#dense);
      this.#dense = grown;
    }
    this.#dense[handle] = slot;
  }

  count(batch: Batch, out: Verdicts): void {
    const { vnic, len } = batch;
    const { action, reason } = out;
    const dense = this.#dense;
    const packets = this.#packets;
    const bytes = this.#bytes;
    let last = -1;
    let base = 0;
    for (let i = 0; i < batch.count; i++) {
      const h = vnic[i]!;
      if (h !== last) {
        last = h;
        const slot = h < dense.length ? dense[h]! : (this.#sparse.get(h) ?? 0);
        this.#dirty[slot] = 1;
        base = slot * TALLY_CELLS;
      }
      const k = base + action[i]! * REASONS + reason[i]!;
      packets[k]!++;
      bytes[k]! += len[i]!;
    }
  }

  /** Every non-zero cell. */
  rows(): TallyRow[] {
    const rows: TallyRow[] = [];
    this.#tenants.forEach((tenant, slot) => {
      for (let c = 0; c < TALLY_CELLS; c++) {
        const k = slot * TALLY_CELLS + c;
        if (this.#packets[k] === 0) continue;
        rows.push({
          tenant,
          action: ACTION_NAMES[Math.floor(c / REASONS)]!,
          reason: REASON_NAMES[c % REASONS]!,
          packets: this.#packets[k]!,
          bytes: this.#bytes[k]!,
        });
      }
    });
    return rows;
  }

  /** Blocks of the tenants counted since the last call, to store. */
  takeDirty(): TallyBlock[] {
    const out: TallyBlock[] = [];
    for (let slot = 0; slot < this.#tenants.length; slot++) {
      if (this.#dirty[slot] === 0) continue;
      this.#dirty[slot] = 0;
      const data = new Float64Array(2 * TALLY_CELLS);
      data.set(this.#packets.subarray(slot * TALLY_CELLS, (slot + 1) * TALLY_CELLS));
      data.set(this.#bytes.subarray(slot * TALLY_CELLS, (slot + 1) * TALLY_CELLS), TALLY_CELLS);
      out.push({ tenant: this.#tenants[slot]!, data });
    }
    return out;
  }

  /** Restores stored blocks (a block of another cell layout is ignored rather than misread). */
  load(blocks: readonly TallyBlock[]): void {
    for (const b of blocks) {
      if (b.data.length !== 2 * TALLY_CELLS) continue;
      const base = this.#slot(b.tenant) * TALLY_CELLS;
      this.#packets.set(b.data.subarray(0, TALLY_CELLS), base);
      this.#bytes.set(b.data.subarray(TALLY_CELLS), base);
    }
  }

  #slot(tenant: string): number {
    const known = this.#slotOf.get(tenant);
    if (known !== undefined) return known;
    const slot = this.#tenants.length;
    this.#tenants.push(tenant);
    this.#slotOf.set(tenant, slot);
    const grow = (a: Float64Array) => {
      const b = new Float64Array((slot + 1) * TALLY_CELLS);
      b.set(a);
      return b;
    };
    this.#packets = grow(this.#packets);
    this.#bytes = grow(this.#bytes);
    const dirty = new Uint8Array(slot + 1);
    dirty.set(this.#dirty);
    this.#dirty = dirty;
    return slot;
  }
}
