import type { CompiledRuleSet } from '../../compiler/types.js';
import {
  ACTION,
  allocVerdicts,
  NO_RULE,
  REASON,
  type PacketBatch,
  type VerdictBatch,
} from '../codec/index.js';
import {
  ConntrackTable,
  NO_FLOW,
  isIcmpEchoReply,
  isIcmpEchoRequest,
  isIcmpError,
} from '../conntrack/index.js';
import { readCounterSnapshot, type CounterSnapshot } from './counter-snapshot.js';
import { FlowLog, type FlowLogEntry, type FlowLogFilter } from './flow-log.js';
import type { FlowLogNames } from './flow-log-records.js';
import { flowRuleHandle } from './flow-rule-word.js';
import { packTransfer, unpackTransfer, type FlowTransfer } from './flow-transfer.js';
import { revalidateFlows } from './revalidate-flows.js';
import { RuleCounters, type CounterBlock, type RuleStats } from './rule-counters.js';
import { RuleDecision } from './rule-decision.js';
import { RuleHandles, type RuleRef } from './rule-handles.js';
import {
  buildTenantState,
  tenantStateSteps,
  warmSteps,
  type TenantState,
  type VnicLabel,
  type VnicState,
} from './tenant-state.js';
import { VnicLabels } from './vnic-labels.js';

const DENSE_HANDLES = 65536;

export interface DataPlaneOptions {
  /** rule decisions kept in memory for flowLog() and takeFlowLog() (default 4096) */
  flowLogCapacity?: number;
  /** how far the ring may grow rather than overwrite decisions not yet taken (default: no growth) */
  flowLogMaxCapacity?: number;
  conntrack?: ConntrackTable;
}

export interface TenantSummary {
  tenant: string;
  revision: number;
  hash: string;
  rules: number;
  vnics: number;
  flows: number;
}

/**
 * The live flow of vNIC `handle` that ICMP error `i` quotes in its inner header (in either
 * orientation), or NO_FLOW. The flow is neither updated nor, when past its expiry, removed.
 */
function relatedFlow(ct: ConntrackTable, b: PacketBatch, i: number, handle: number, now: number): number {
  const w = i << 2;
  const p = b.innerProto[i]!;
  const ref =
    b.family[i] === 4
      ? ct.lookupEmbedded4(handle, p, b.innerSrc[w]!, b.innerDst[w]!, b.innerSport[i]!, b.innerDport[i]!)
      : ct.lookupEmbedded6(handle, p, b.innerSrc, w, b.innerDst, w, b.innerSport[i]!, b.innerDport[i]!);
  return ref !== NO_FLOW && ct.expiryOf(ref) >= now ? ref : NO_FLOW;
}

/**
 * The data plane of one hypervisor: several tenants' compiled rule sets and one conntrack table
 * shared by all, keyed by the global vNIC handle so tenants with overlapping addresses stay apart.
 * Pure: no I/O; the Durable Object persists conntrack (takeDirty) and exportCounters().
 */
export class DataPlane {
  readonly conntrack: ConntrackTable;
  readonly #tenants = new Map<string, TenantState>();
  readonly #vnics = new Map<number, VnicState>();
  /** #vnics again, indexed by handle for handles below DENSE_HANDLES: the per-packet lookup */
  #dense: (VnicState | undefined)[] = [];
  /** moved vNIC handles, also those no rule set lists any more */
  readonly #moved = new Set<number>();
  #byName: Map<string, VnicState[]> | null = null;
  readonly #handles = new RuleHandles();
  readonly #labels = new VnicLabels();
  readonly #counters = new RuleCounters();
  readonly #log: FlowLog;
  readonly #decision: RuleDecision;

  constructor(opts: DataPlaneOptions = {}) {
    this.conntrack = opts.conntrack ?? new ConntrackTable();
    this.#log = new FlowLog(opts.flowLogCapacity ?? 4096, opts.flowLogMaxCapacity);
    this.#decision = new RuleDecision(this.conntrack, this.#counters, this.#log);
  }

  /**
   * Installs or replaces one tenant's rules and vNICs (classifiers are built on first use). With the
   * tenant's revalidateOnChange and a changed hash, flows of its vNICs the new rules no longer allow are
   * cut; returns how many. Rules new here count from `nowMs`.
   */
  applyRuleSet(rs: CompiledRuleSet, nowMs = Date.now()): { revalidated: number } {
    return this.install(buildTenantState(rs, this.#handles, this.#labels), nowMs);
  }

  /**
   * A rule set's state built in steps, classifiers included, without touching what is installed: packets
   * keep the current rules until `install` swaps the result in.
   */
  prepareRuleSet(rs: CompiledRuleSet): Generator<void, TenantState> {
    return tenantStateSteps(rs, this.#handles, this.#labels, true);
  }

  /** The tenant's installed state, if any (read only: impact and explain look, never change). */
  tenantState(tenant: string): TenantState | undefined {
    return this.#tenants.get(tenant);
  }

  /** The revision of the tenant's installed rule set, if any. */
  revisionOf(tenant: string): number | undefined {
    return this.#tenants.get(tenant)?.revision;
  }

  /** Swaps in a prepared tenant state (see applyRuleSet). */
  install(tenant: TenantState, nowMs: number): { revalidated: number } {
    const previous = this.#tenants.get(tenant.name);
    this.#counters.reserve(this.#handles.size, nowMs);
    if (previous) this.#unlinkVnics(previous);
    this.#tenants.set(tenant.name, tenant);
    for (const v of tenant.vnics) {
      v.moved = this.#moved.has(v.handle);
      this.#vnics.set(v.handle, v);
    }
    this.#indexChanged();
    const changed = previous?.hash !== tenant.hash;
    return {
      revalidated: tenant.revalidateOnChange && changed ? revalidateFlows(this.conntrack, tenant) : 0,
    };
  }

  /** Builds, one per step, the classifiers installed rule lists have not built yet (after a restart). */
  *warmSteps(): Generator<void> {
    for (const tenant of [...this.#tenants.values()]) {
      if (this.#tenants.get(tenant.name) === tenant) yield* warmSteps(tenant);
    }
  }

  /** Forgets a tenant's rules and vNICs; its flows, rule handles and counters stay (flows expire). */
  removeTenant(tenant: string): void {
    const state = this.#tenants.get(tenant);
    if (!state) return;
    this.#unlinkVnics(state);
    this.#tenants.delete(tenant);
    this.#indexChanged();
  }

  tenantSummaries(): TenantSummary[] {
    return [...this.#tenants.values()].map((t) => ({
      tenant: t.name,
      revision: t.revision,
      hash: t.hash,
      rules: t.rules.length,
      vnics: t.vnics.length,
      flows: t.vnics.reduce((n, v) => n + this.conntrack.countByVnic(v.handle), 0),
    }));
  }

  /** The global handle of a vNIC by id, or why not (a VnicResolver for decodeJsonBatch). */
  resolveVnic(id: string, tenant: string | undefined): number | string {
    const named = (this.#byName ??= this.#indexByName()).get(id) ?? [];
    const candidates = tenant === undefined ? named : named.filter((v) => v.label.tenant === tenant);
    if (candidates.length === 1) return candidates[0]!.handle;
    if (candidates.length > 1) return `vNIC ${id} exists in several tenants: give tenant`;
    return tenant === undefined
      ? `unknown vNIC ${id} on this hypervisor`
      : `unknown vNIC ${id} of tenant ${tenant} on this hypervisor`;
  }

  /** One verdict per packet, in order. `nowMs` drives conntrack expiry (seconds) and the flow log. */
  process(batch: PacketBatch, nowMs: number): VerdictBatch {
    const out = allocVerdicts(batch.count);
    const now = Math.floor(nowMs / 1000);
    const ct = this.conntrack;
    const counters = this.#counters;
    const dense = this.#dense;
    const { vnic: vnics, dir, family, proto, flags, sport, dport, icmpId, len, src, dst, hasInner } = batch;
    let lastHandle = -1;
    let vnic: VnicState | undefined;
    for (let i = 0; i < batch.count; i++) {
      const handle = vnics[i]!;
      if (handle !== lastHandle) {
        vnic = handle < dense.length ? dense[handle] : this.#vnics.get(handle);
        lastHandle = handle;
      }
      if (vnic === undefined || vnic.moved) {
        out.action[i] = ACTION.drop;
        out.reason[i] = this.#moved.has(handle) ? REASON.moved : REASON['unknown-vnic'];
        continue;
      }
      const tenant = vnic.tenant;
      const fam = family[i]!;
      const p = proto[i]!;
      const w = i << 2;
      if (dir[i] === 0 && tenant.spoofGuard && !vnic.owned.has(src, w, fam)) {
        out.action[i] = ACTION.drop;
        out.reason[i] = REASON.spoof;
        continue;
      }
      let ref = NO_FLOW;
      if (p === 1 || p === 58) {
        const type = sport[i]!;
        const f = fam === 4 ? 4 : 6;
        if (isIcmpEchoRequest(f, type) || isIcmpEchoReply(f, type)) {
          ref =
            fam === 4
              ? ct.lookupEcho4(handle, p, src[w]!, dst[w]!, icmpId[i]!)
              : ct.lookupEcho6(handle, p, src, w, dst, w, icmpId[i]!);
        } else if (hasInner[i] === 1 && isIcmpError(f, type)) {
          const related = relatedFlow(ct, batch, i, handle, now);
          if (related !== NO_FLOW) {
            const rule = flowRuleHandle(ct.ruleOf(related));
            counters.packet(rule, len[i]!);
            out.rule[i] = rule;
            out.reason[i] = REASON.related;
            continue;
          }
        }
      } else {
        ref =
          fam === 4
            ? ct.lookup4(handle, p, src[w]!, dst[w]!, sport[i]!, dport[i]!)
            : ct.lookup6(handle, p, src, w, dst, w, sport[i]!, dport[i]!);
      }
      if (ref !== NO_FLOW) {
        const rule = flowRuleHandle(ct.ruleOf(ref));
        const result = ct.update(ref, flags[i]!, now, tenant.timeouts);
        if (result === 'established') {
          counters.packet(rule, len[i]!);
          out.rule[i] = rule;
          out.reason[i] = REASON.established;
          continue;
        }
        if (result === 'invalid') {
          out.action[i] = ACTION.drop;
          out.reason[i] = REASON.invalid;
          out.rule[i] = rule;
          continue;
        }
      }
      this.#decision.decide(batch, i, vnic, now, nowMs, out);
    }
    return out;
  }

  /** The names behind a rule handle (also accepts a flow's rule word, see flow-rule-word.ts). */
  ruleRef(handle: number): RuleRef | undefined {
    return handle === NO_RULE ? undefined : this.#handles.ref(flowRuleHandle(handle >>> 0));
  }

  /** Counters of the tenant's rules: those installed now in evaluation order, then retired ones. */
  ruleStats(tenant: string, policy?: string): RuleStats[] {
    const installed = this.#tenants.get(tenant)?.ruleHandles ?? [];
    const order = [...new Set([...installed, ...this.#handles.ofTenant(tenant)])];
    const out: RuleStats[] = [];
    for (const handle of order) {
      const ref = this.#handles.ref(handle)!;
      if (policy !== undefined && ref.policy !== policy) continue;
      const c = this.#counters;
      out.push({
        policy: ref.policy,
        rule: ref.rule,
        hits: c.hits[handle]!,
        packets: c.packets[handle]!,
        bytes: c.bytes[handle]!,
        sessions: c.sessions[handle]!,
        lastHit: c.lastHit[handle]! > 0 ? c.lastHit[handle]! : null,
        countersSince: c.since[handle]!,
      });
    }
    return out;
  }

  /** Decisions of logging rules still in the in-memory ring, newest first. */
  flowLog(filter: FlowLogFilter = {}): FlowLogEntry[] {
    return this.#log.read(filter, this.flowLogNames);
  }

  /**
   * Flow-log records (see flow-log-records.ts) appended since the last call, oldest first, as views into
   * the ring: store them before the next batch.
   */
  takeFlowLog(): { segments: Uint8Array[]; lost: number } {
    return this.#log.takeNew();
  }

  /** Names behind the numbers of flow-log records. */
  readonly flowLogNames: FlowLogNames = {
    label: (id) => this.#labels.label(id),
    rule: (handle) => this.#handles.ref(handle),
  };

  /** Counter blocks changed since the last call (see rule-counters.ts). */
  takeCounterBlocks(): CounterBlock[] {
    return this.#counters.takeDirtyBlocks();
  }

  /** Rule names by handle from handle `from` on (handles only grow), and vNIC labels from label `from`. */
  ruleNames(from: number): readonly RuleRef[] {
    return this.#handles.list().slice(from);
  }

  vnicLabels(from: number): readonly VnicLabel[] {
    return this.#labels.list(from);
  }

  get ruleHandleCount(): number {
    return this.#handles.size;
  }

  get vnicLabelCount(): number {
    return this.#labels.size;
  }

  /**
   * Restores persisted handles, labels and counter blocks. Call it before the first applyRuleSet:
   * persisted flows and flow-log records name rules by handle, so handles cannot be renumbered.
   */
  restoreEvidence(
    rules: readonly RuleRef[],
    labels: readonly VnicLabel[],
    blocks: readonly CounterBlock[],
    nowMs: number,
  ): void {
    this.#handles.restore(rules);
    this.#labels.restore(labels);
    this.#counters.reserve(this.#handles.size, nowMs);
    for (const b of blocks) this.#counters.loadBlock(b);
    this.#counters.takeDirtyBlocks();
  }

  /** Marks a vNIC as migrated away (its packets get `moved`) or back. */
  setMoved(vnicHandle: number, moved: boolean): void {
    const handle = vnicHandle >>> 0;
    if (moved) this.#moved.add(handle);
    else this.#moved.delete(handle);
    const vnic = this.#vnics.get(handle);
    if (vnic) vnic.moved = moved;
  }

  isMoved(vnicHandle: number): boolean {
    return this.#moved.has(vnicHandle >>> 0);
  }

  /** The flows of these vNICs, with their rules by name (migration: freeze, then export). */
  exportFlows(vnicHandles: readonly number[]): FlowTransfer {
    return packTransfer(
      vnicHandles.map((h) => this.conntrack.exportVnic(h)),
      (h) => this.#handles.ref(h),
    );
  }

  /** Imports migrated flows; idempotent (a flow imported twice is kept once). Returns the flows applied. */
  importFlows(transfer: FlowTransfer, nowMs: number): number {
    const records = unpackTransfer(transfer, (r) => this.#handles.intern(r.tenant, r.policy, r.rule));
    this.#counters.reserve(this.#handles.size, nowMs);
    return this.conntrack.importRecords(records, Math.floor(nowMs / 1000));
  }

  /** Forgets the flows of these vNICs (the source's copy after a migration). */
  releaseFlows(vnicHandles: readonly number[]): number {
    return vnicHandles.reduce((n, h) => n + this.conntrack.deleteByVnic(h), 0);
  }

  /** Rule handles and counters as structured-clonable data; restore with importCounters. */
  exportCounters(): CounterSnapshot {
    const rules = this.#handles.list().map((r): [string, string, string] => [r.tenant, r.policy, r.rule]);
    return { version: 1, rules, ...this.#counters.columns(rules.length) };
  }

  /**
   * Restores handles and counters (replacing counters of the listed handles). Call it before the
   * first applyRuleSet: persisted flows name rules by handle, so handles cannot be renumbered.
   */
  importCounters(data: unknown, nowMs = Date.now()): void {
    const snapshot = readCounterSnapshot(data);
    this.#handles.restore(snapshot.rules.map(([tenant, policy, rule]) => ({ tenant, policy, rule })));
    this.#counters.load(snapshot, nowMs);
  }

  #unlinkVnics(tenant: TenantState): void {
    for (const v of tenant.vnics) {
      if (this.#vnics.get(v.handle) === v) this.#vnics.delete(v.handle);
    }
  }

  #indexChanged(): void {
    this.#byName = null;
    let size = 0;
    for (const handle of this.#vnics.keys()) if (handle < DENSE_HANDLES) size = Math.max(size, handle + 1);
    const dense = new Array<VnicState | undefined>(size).fill(undefined);
    for (const [handle, v] of this.#vnics) if (handle < size) dense[handle] = v;
    this.#dense = dense;
  }

  #indexByName(): Map<string, VnicState[]> {
    const index = new Map<string, VnicState[]>();
    for (const v of this.#vnics.values()) {
      const list = index.get(v.id);
      if (list) list.push(v);
      else index.set(v.id, [v]);
    }
    return index;
  }
}
