import type { ConntrackTimeouts } from '../../policy/types.js';
import { DirtyLog } from './dirty-log.js';
import { ConntrackError, badFlowRef } from './errors.js';
import { hashFlow4, hashFlow6 } from './flow-hash.js';
import {
  AUX_DIRTY,
  REF_REPLY,
  REF_V6,
  STATE_SHIFT,
  W_EXPIRY,
  W_META,
  W_PORTS,
  W_RULE,
  W_SRC,
  W_VNIC,
} from './flow-layout.js';
import { checkFlowKey, openingMeta, openingTimeout } from './flow-open.js';
import { FlowState, NO_RULE } from './flow-state.js';
import { FlowStore, MAX_ENTRIES } from './flow-store.js';
import { APPLY_CHANGED, APPLY_INVALID, applyPacket } from './flow-update.js';
import { VnicCounts } from './vnic-counts.js';
import {
  NO_FLOW,
  TABLE_FULL,
  UNTRACKABLE,
  type ConntrackTableOptions,
  type UpdateResult,
} from './table-contract.js';

/**
 * The tracking core: flows of both families in typed arrays (no object per flow), one entry per
 * flow in its original orientation, found from either side; state machine, expiry, per-vNIC counts.
 *
 * Timeouts come with each call (a table holds flows of many tenants): the expiry stored per flow
 * is absolute, so `expire` needs none, and a tenant's new timeouts apply from its next packet.
 * Addresses are numbers as in src/net/ip.ts (IPv6: four words at an offset of any array-like).
 */
export class FlowTable {
  protected readonly v4: FlowStore;
  protected readonly v6: FlowStore;
  protected readonly dirty: DirtyLog | null;
  protected readonly maxFlows: number;
  /** never later than the earliest live expiry */
  #minExpiry = Infinity;
  #perVnic = new VnicCounts();

  constructor(opts: ConntrackTableOptions = {}) {
    const maxFlows = opts.maxFlows ?? 2_000_000;
    if (!Number.isInteger(maxFlows) || maxFlows < 1 || maxFlows > MAX_ENTRIES) {
      throw new ConntrackError('BAD_OPTION', `maxFlows must be an integer in 1..${MAX_ENTRIES}`);
    }
    this.maxFlows = maxFlows;
    this.v4 = new FlowStore(4, Math.min(opts.initialCapacity ?? 1024, MAX_ENTRIES));
    this.v6 = new FlowStore(6, Math.min(opts.initialCapacity6 ?? 256, MAX_ENTRIES));
    this.dirty = opts.trackDirty === false ? null : new DirtyLog();
  }

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /** bytes held in typed arrays: entries and indexes of both families */
  get byteLength(): number {
    return this.v4.byteLength + this.v6.byteLength;
  }

  get byteLength4(): number {
    return this.v4.byteLength;
  }

  get byteLength6(): number {
    return this.v6.byteLength;
  }

  /** The flow of this packet in either orientation: a ref (see refIsReply), or NO_FLOW. */
  lookup4(vnic: number, proto: number, src: number, dst: number, sport: number, dport: number): number {
    vnic |= 0;
    src |= 0;
    dst |= 0;
    return this.v4.find4(vnic, proto, src, dst, sport, dport, hashFlow4(vnic, proto, src, dst, sport, dport));
  }

  lookup6(
    vnic: number,
    proto: number,
    src: ArrayLike<number>,
    srcOff: number,
    dst: ArrayLike<number>,
    dstOff: number,
    sport: number,
    dport: number,
  ): number {
    vnic |= 0;
    const h = hashFlow6(vnic, proto, src, srcOff, dst, dstOff, sport, dport);
    return this.v6.find6(vnic, proto, src, srcOff, dst, dstOff, sport, dport, h);
  }

  /**
   * Opens a flow from its first packet, or returns the live flow of that key. Returns a ref,
   * TABLE_FULL or UNTRACKABLE. `flowFlags` may carry FLOW_TCP_STRICT and FLOW_STATEFUL.
   */
  insert4(
    vnic: number,
    proto: number,
    src: number,
    dst: number,
    sport: number,
    dport: number,
    tcpFlags: number,
    now: number,
    timeouts: ConntrackTimeouts,
    rule = NO_RULE,
    flowFlags = 0,
  ): number {
    checkFlowKey(proto, sport, dport);
    const existing = this.#unlessExpired(this.lookup4(vnic, proto, src, dst, sport, dport), now);
    if (existing !== NO_FLOW) return existing;
    const h = hashFlow4(vnic | 0, proto, src | 0, dst | 0, sport, dport);
    const id = this.#open(this.v4, h, vnic, proto, sport, dport, tcpFlags, now, timeouts, rule, flowFlags);
    if (id < 0) return id;
    const b = (id << this.v4.shift) + W_SRC;
    this.v4.words[b] = src;
    this.v4.words[b + 1] = dst;
    return id << 2;
  }

  insert6(
    vnic: number,
    proto: number,
    src: ArrayLike<number>,
    srcOff: number,
    dst: ArrayLike<number>,
    dstOff: number,
    sport: number,
    dport: number,
    tcpFlags: number,
    now: number,
    timeouts: ConntrackTimeouts,
    rule = NO_RULE,
    flowFlags = 0,
  ): number {
    checkFlowKey(proto, sport, dport);
    const existing = this.#unlessExpired(
      this.lookup6(vnic, proto, src, srcOff, dst, dstOff, sport, dport),
      now,
    );
    if (existing !== NO_FLOW) return existing;
    const h = hashFlow6(vnic | 0, proto, src, srcOff, dst, dstOff, sport, dport);
    const id = this.#open(this.v6, h, vnic, proto, sport, dport, tcpFlags, now, timeouts, rule, flowFlags);
    if (id < 0) return id;
    const b = (id << this.v6.shift) + W_SRC;
    for (let i = 0; i < 4; i++) {
      this.v6.words[b + i] = src[srcOff + i]!;
      this.v6.words[b + 4 + i] = dst[dstOff + i]!;
    }
    return (id << 2) | REF_V6;
  }

  /**
   * Applies one packet of a tracked flow (its direction is in `ref`) and refreshes the expiry.
   * `invalid`: drop the packet; nothing changed. `expired`: the flow was past its expiry (the
   * alarm had not run yet) and is gone; treat the packet as one of no known flow. An expiry
   * refresh alone does not mark the flow dirty.
   */
  update(ref: number, tcpFlags: number, now: number, timeouts: ConntrackTimeouts): UpdateResult {
    const store = ref & REF_V6 ? this.v6 : this.v4;
    const id = ref >> 2;
    const words = store.words;
    const b = id << store.shift;
    if (((words[b + W_META]! >>> STATE_SHIFT) & 0xff) === FlowState.NONE) throw badFlowRef(ref);
    if (words[b + W_EXPIRY]! >>> 0 < now) {
      this.removeEntry(store, id);
      return 'expired';
    }
    const applied = applyPacket(words, b, ref & REF_REPLY, tcpFlags, now, timeouts);
    if (applied === APPLY_INVALID) return 'invalid';
    this.noteExpiry(words[b + W_EXPIRY]! >>> 0);
    if (applied === APPLY_CHANGED) this.markDirty(store, id);
    return 'established';
  }

  /** Removes flows whose expiry is before `now`; returns how many. */
  expire(now: number): number {
    let removed = 0;
    let earliest = Infinity;
    for (const store of [this.v4, this.v6]) {
      for (let id = 0; id < store.highWater; id++) {
        if (!store.isLive(id)) continue;
        const expiry = store.words[(id << store.shift) + W_EXPIRY]! >>> 0;
        if (expiry < now) {
          this.removeEntry(store, id);
          removed++;
        } else if (expiry < earliest) {
          earliest = expiry;
        }
      }
    }
    this.#minExpiry = earliest;
    return removed;
  }

  /** The earliest expiry of a live flow or earlier, Infinity when empty: when to arm the alarm. */
  nextExpiry(): number {
    return this.size === 0 ? Infinity : this.#minExpiry;
  }

  delete(ref: number): boolean {
    const store = ref & REF_V6 ? this.v6 : this.v4;
    if (!Number.isInteger(ref) || ref < 0 || !store.isLive(ref >> 2)) return false;
    this.removeEntry(store, ref >> 2);
    return true;
  }

  countByVnic(vnic: number): number {
    return this.#perVnic.get(vnic);
  }

  deleteByVnic(vnic: number): number {
    if (this.countByVnic(vnic) === 0) return 0;
    let removed = 0;
    this.forEach((ref, v) => {
      if (v === vnic >>> 0 && this.delete(ref)) removed++;
    });
    return removed;
  }

  /** Visits every live flow with its original-orientation ref; deleting the visited flow is fine. */
  forEach(visit: (ref: number, vnic: number) => void): void {
    for (const store of [this.v4, this.v6]) {
      const v6 = store.family === 6 ? REF_V6 : 0;
      for (let id = 0; id < store.highWater; id++) {
        if (store.isLive(id)) visit((id << 2) | v6, store.words[(id << store.shift) + W_VNIC]! >>> 0);
      }
    }
  }

  clear(): void {
    this.v4.clear();
    this.v6.clear();
    this.#perVnic.clear();
    this.#minExpiry = Infinity;
    this.dirty?.take();
  }

  /** Takes an entry and writes all but the addresses; returns its id. */
  protected place(
    store: FlowStore,
    h: number,
    vnic: number,
    meta: number,
    expiry: number,
    rule: number,
    ports: number,
  ) {
    const id = store.allocate(h);
    const words = store.words;
    const b = id << store.shift;
    words[b + W_META] = meta;
    words[b + W_EXPIRY] = expiry;
    words[b + W_RULE] = rule;
    words[b + W_VNIC] = vnic;
    words[b + W_PORTS] = ports;
    this.#perVnic.add(vnic);
    this.noteExpiry(expiry >>> 0);
    this.markDirty(store, id);
    return id;
  }

  protected noteExpiry(expiry: number): void {
    if (expiry < this.#minExpiry) this.#minExpiry = expiry;
  }

  protected markDirty(store: FlowStore, id: number): void {
    if (!this.dirty) return;
    const b = (id << store.shift) + W_META;
    const meta = store.words[b]!;
    if (meta & AUX_DIRTY) return;
    store.words[b] = meta | AUX_DIRTY;
    this.dirty.push((id << 2) | (store.family === 6 ? REF_V6 : 0));
  }

  protected removeEntry(store: FlowStore, id: number): void {
    this.dirty?.recordDelete(store, id);
    this.#perVnic.remove(store.words[(id << store.shift) + W_VNIC]!);
    store.release(id);
  }

  #open(
    store: FlowStore,
    h: number,
    vnic: number,
    proto: number,
    sport: number,
    dport: number,
    tcpFlags: number,
    now: number,
    t: ConntrackTimeouts,
    rule: number,
    flowFlags: number,
  ): number {
    const meta = openingMeta(proto, tcpFlags, flowFlags);
    if (meta < 0) return UNTRACKABLE;
    if (this.size >= this.maxFlows) return TABLE_FULL;
    const expiry = now + openingTimeout(proto, (meta >>> STATE_SHIFT) & 0xff, t);
    return this.place(store, h, vnic, meta, expiry, rule, (sport << 16) | dport);
  }

  /** A flow found at insert is kept unless it is past its expiry. */
  #unlessExpired(ref: number, now: number): number {
    if (ref === NO_FLOW) return NO_FLOW;
    const store = ref & REF_V6 ? this.v6 : this.v4;
    if (store.words[((ref >> 2) << store.shift) + W_EXPIRY]! >>> 0 >= now) return ref;
    this.removeEntry(store, ref >> 2);
    return NO_FLOW;
  }
}
