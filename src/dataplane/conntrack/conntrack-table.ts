import type { ConntrackTimeouts } from '../../policy/types.js';
import { hashFlow4, hashFlow6 } from './flow-hash.js';
import {
  AUX_DIRTY,
  FLAGS_SHIFT,
  REF_REPLY,
  REF_V6,
  STATE_SHIFT,
  W_EXPIRY,
  W_META,
  W_RULE,
  W_SRC,
  W_VNIC,
  metaOf,
} from './flow-layout.js';
import {
  FLOW_KEY_BYTES,
  FLOW_RECORD_BYTES,
  readFlowEntry,
  readFlowRecord,
  writeFlowRecord,
  type FlowInfo,
} from './flow-record.js';
import { checkFlowRecord, recordView } from './flow-record-check.js';
import { NO_RULE, PROTO_ICMP, PROTO_ICMPV6 } from './flow-state.js';
import { ConntrackError, badFlowRef } from './errors.js';
import { FlowTable } from './flow-table.js';
import { NO_FLOW } from './table-contract.js';
import type { FlowStore } from './flow-store.js';

export interface DirtyFlows {
  /** packed FLOW RECORDs of flows inserted or changed since the last take */
  upserts: Uint8Array;
  /** packed FLOW RECORDs of flows deleted since then and not live again; only the key bytes matter */
  deletes: Uint8Array;
}

/**
 * Connection tracking for every vNIC of one hypervisor: the tracking core (FlowTable) plus ICMP
 * helpers, per-flow accessors and persistence / migration in FLOW RECORDs (see flow-record.ts).
 * ICMP echo flows use the identifier as both ports.
 */
export class ConntrackTable extends FlowTable {
  lookupEcho4(vnic: number, proto: number, src: number, dst: number, id: number): number {
    return this.lookup4(vnic, proto, src, dst, id, id);
  }

  lookupEcho6(
    vnic: number,
    proto: number,
    src: ArrayLike<number>,
    so: number,
    dst: ArrayLike<number>,
    dOff: number,
    id: number,
  ) {
    return this.lookup6(vnic, proto, src, so, dst, dOff, id, id);
  }

  insertEcho4(
    vnic: number,
    proto: number,
    src: number,
    dst: number,
    id: number,
    now: number,
    t: ConntrackTimeouts,
    rule = NO_RULE,
    flowFlags = 0,
  ) {
    return this.insert4(vnic, proto, src, dst, id, id, 0, now, t, rule, flowFlags);
  }

  insertEcho6(
    vnic: number,
    proto: number,
    src: ArrayLike<number>,
    so: number,
    dst: ArrayLike<number>,
    dOff: number,
    id: number,
    now: number,
    t: ConntrackTimeouts,
    rule = NO_RULE,
    flowFlags = 0,
  ): number {
    return this.insert6(vnic, proto, src, so, dst, dOff, id, id, 0, now, t, rule, flowFlags);
  }

  /**
   * The flow an ICMP error is about, from the header embedded in it (which may be of either
   * direction). For an embedded ICMP echo pass its identifier as `sport`. Verdict reason: `related`;
   * the flow's state is not updated.
   */
  lookupEmbedded4(
    vnic: number,
    proto: number,
    src: number,
    dst: number,
    sport: number,
    dport: number,
  ): number {
    return this.lookup4(vnic, proto, src, dst, sport, proto === PROTO_ICMP ? sport : dport);
  }

  lookupEmbedded6(
    vnic: number,
    proto: number,
    src: ArrayLike<number>,
    so: number,
    dst: ArrayLike<number>,
    dOff: number,
    sport: number,
    dport: number,
  ): number {
    return this.lookup6(vnic, proto, src, so, dst, dOff, sport, proto === PROTO_ICMPV6 ? sport : dport);
  }

  stateOf(ref: number): number {
    return (this.#word(ref, W_META) >>> STATE_SHIFT) & 0xff;
  }

  flagsOf(ref: number): number {
    return (this.#word(ref, W_META) >>> FLAGS_SHIFT) & 0xff;
  }

  protoOf(ref: number): number {
    return this.#word(ref, W_META) & 0xff;
  }

  expiryOf(ref: number): number {
    return this.#word(ref, W_EXPIRY) >>> 0;
  }

  ruleOf(ref: number): number {
    return this.#word(ref, W_RULE) >>> 0;
  }

  vnicOf(ref: number): number {
    return this.#word(ref, W_VNIC) >>> 0;
  }

  /** Re-points the flow to another rule (e.g. after a policy change kept it). */
  setRule(ref: number, rule: number): void {
    const store = this.#liveStore(ref);
    store.words[((ref >> 2) << store.shift) + W_RULE] = rule;
    this.markDirty(store, ref >> 2);
  }

  /** The flow as a plain object (allocates; not for the packet path). */
  describe(ref: number): FlowInfo {
    return readFlowEntry(this.#liveStore(ref), ref >> 2);
  }

  /** The live flow a packed record names (by its key), or NO_FLOW. */
  findRecord(records: Uint8Array, off: number): number {
    return this.#findFlow(
      readFlowRecord(new DataView(records.buffer, records.byteOffset, records.byteLength), off),
    );
  }

  encodeFlow(ref: number): Uint8Array {
    const out = new Uint8Array(FLOW_RECORD_BYTES);
    writeFlowRecord(this.#liveStore(ref), ref >> 2, new DataView(out.buffer), 0);
    return out;
  }

  /** Inserts the flow of one record, overwriting the flow of the same key; returns its ref. */
  decodeAndInsert(record: Uint8Array): number {
    const view = recordView(record.subarray(0, FLOW_RECORD_BYTES));
    checkFlowRecord(view, 0);
    this.#ensureRoom(view);
    return this.#upsert(readFlowRecord(view, 0));
  }

  /**
   * Inserts the flows of packed records, overwriting flows of the same keys, so importing twice
   * keeps one. With `now`, records already expired are skipped. The whole buffer is checked
   * first: on BAD_RECORD(_LENGTH) or TABLE_FULL nothing is applied. Returns the flows applied.
   */
  importRecords(records: ArrayBuffer | Uint8Array, now?: number): number {
    const view = recordView(records);
    const count = view.byteLength / FLOW_RECORD_BYTES;
    for (let i = 0; i < count; i++) checkFlowRecord(view, i);
    this.#ensureRoom(view, now);
    let applied = 0;
    for (let i = 0; i < count; i++) {
      const flow = readFlowRecord(view, i * FLOW_RECORD_BYTES);
      if (now !== undefined && flow.expiry < now) continue;
      this.#upsert(flow);
      applied++;
    }
    return applied;
  }

  /** All flows of one vNIC as packed records (migration). */
  exportVnic(vnic: number): ArrayBuffer {
    return this.#pack(vnic >>> 0, this.countByVnic(vnic));
  }

  /** All live flows as packed records, e.g. to persist refreshed expiries now and then. */
  snapshotAll(): ArrayBuffer {
    return this.#pack(-1, this.size);
  }

  /** Flows inserted, changed or deleted since the last call; a key is in at most one list, once. */
  takeDirty(): DirtyFlows {
    if (!this.dirty) return { upserts: new Uint8Array(0), deletes: new Uint8Array(0) };
    const { refs, deletes } = this.dirty.take();
    const upserts = new Uint8Array(refs.length * FLOW_RECORD_BYTES);
    const upsertView = new DataView(upserts.buffer);
    let n = 0;
    for (const ref of refs) {
      const store = ref & REF_V6 ? this.v6 : this.v4;
      const b = ((ref >> 2) << store.shift) + W_META;
      // Stale items: the entry was freed (and maybe reused, then listed again) or already taken.
      if (!store.isLive(ref >> 2) || (store.words[b]! & AUX_DIRTY) === 0) continue;
      store.words[b] = store.words[b]! & ~AUX_DIRTY;
      writeFlowRecord(store, ref >> 2, upsertView, n++ * FLOW_RECORD_BYTES);
    }
    const deleteView = new DataView(deletes.buffer);
    const deletedKeys = new Set<string>();
    let d = 0;
    for (let off = 0; off < deletes.length; off += FLOW_RECORD_BYTES) {
      const key = String.fromCharCode(...deletes.subarray(off, off + FLOW_KEY_BYTES));
      if (deletedKeys.has(key) || this.#findFlow(readFlowRecord(deleteView, off)) !== NO_FLOW) continue;
      deletedKeys.add(key);
      deletes.copyWithin(d++ * FLOW_RECORD_BYTES, off, off + FLOW_RECORD_BYTES);
    }
    return {
      upserts: upserts.slice(0, n * FLOW_RECORD_BYTES),
      deletes: deletes.slice(0, d * FLOW_RECORD_BYTES),
    };
  }

  #upsert(f: FlowInfo): number {
    let ref = this.#findFlow(f);
    if (ref !== NO_FLOW && ref & REF_REPLY) {
      // Known in the other orientation: the record's orientation wins, with its direction flags.
      this.delete(ref);
      ref = NO_FLOW;
    }
    const store = f.family === 6 ? this.v6 : this.v4;
    const meta = metaOf(f.proto, f.state, f.flags);
    if (ref !== NO_FLOW) {
      const b = (ref >> 2) << store.shift;
      store.words[b + W_META] = meta | (store.words[b + W_META]! & AUX_DIRTY);
      store.words[b + W_EXPIRY] = f.expiry;
      store.words[b + W_RULE] = f.rule;
      this.noteExpiry(f.expiry);
      this.markDirty(store, ref >> 2);
      return ref;
    }
    const h =
      f.family === 4
        ? hashFlow4(f.vnic | 0, f.proto, f.src[0]! | 0, f.dst[0]! | 0, f.sport, f.dport)
        : hashFlow6(f.vnic | 0, f.proto, f.src, 0, f.dst, 0, f.sport, f.dport);
    const id = this.place(store, h, f.vnic, meta, f.expiry, f.rule, (f.sport << 16) | f.dport);
    const b = (id << store.shift) + W_SRC;
    for (let i = 0; i < f.src.length; i++) {
      store.words[b + i] = f.src[i]!;
      store.words[b + f.src.length + i] = f.dst[i]!;
    }
    return (id << 2) | (f.family === 6 ? REF_V6 : 0);
  }

  #ensureRoom(view: DataView, now?: number): void {
    let fresh = 0;
    for (let off = 0; off < view.byteLength; off += FLOW_RECORD_BYTES) {
      const flow = readFlowRecord(view, off);
      if ((now === undefined || flow.expiry >= now) && this.#findFlow(flow) === NO_FLOW) fresh++;
    }
    if (this.size + fresh > this.maxFlows) {
      throw new ConntrackError(
        'TABLE_FULL',
        `importing ${fresh} new flows would exceed maxFlows ${this.maxFlows}`,
      );
    }
  }

  /** Packs the flows of `vnic` (-1: all) into records; `count` is the exact number expected. */
  #pack(vnic: number, count: number): ArrayBuffer {
    const out = new Uint8Array(count * FLOW_RECORD_BYTES);
    const view = new DataView(out.buffer);
    let n = 0;
    this.forEach((ref, v) => {
      if (vnic !== -1 && v !== vnic) return;
      writeFlowRecord(ref & REF_V6 ? this.v6 : this.v4, ref >> 2, view, n++ * FLOW_RECORD_BYTES);
    });
    return out.buffer;
  }

  /** The store of a live flow, or throws BAD_FLOW_REF. */
  #liveStore(ref: number): FlowStore {
    const store = ref & REF_V6 ? this.v6 : this.v4;
    if (!Number.isInteger(ref) || ref < 0 || !store.isLive(ref >> 2)) throw badFlowRef(ref);
    return store;
  }

  #findFlow(f: FlowInfo): number {
    if (f.family === 4) return this.lookup4(f.vnic, f.proto, f.src[0]!, f.dst[0]!, f.sport, f.dport);
    return this.lookup6(f.vnic, f.proto, f.src, 0, f.dst, 0, f.sport, f.dport);
  }

  #word(ref: number, w: number): number {
    const store = this.#liveStore(ref);
    return store.words[((ref >> 2) << store.shift) + w]!;
  }
}
