import { DurableObject } from 'cloudflare:workers';
import { unpackRuleSet } from '../compiler/rule-set-codec.js';
import { joinRuleSetParts, type RuleSetHeader, type RuleSetPart } from '../compiler/rule-set-parts.js';
import type { CompiledRuleSet } from '../compiler/types.js';
import {
  BatchError,
  BatchTooLargeError,
  decodeBinaryBatch,
  decodeJsonBatch,
  encodeBinaryVerdicts,
  verdictsToJson,
  type JsonVerdict,
  type PacketBatch,
} from '../dataplane/codec/index.js';
import {
  DataPlane,
  flowImpact,
  flowLogImpact,
  impactState,
  type FlowImpact,
  type FlowLogFilter,
  type FlowLogImpact,
  type FlowTransfer,
  type RuleStats,
  type TenantSummary,
} from '../dataplane/processor/index.js';
import type { Env } from '../env.js';
import { VerdictTally, type TallyRow } from '../metrics/verdict-tally.js';
import { binaryBatchAnswer, isBinaryBatch } from './binary-exchange.js';
import { EvidenceStore } from './evidence-store.js';
import { FlowLogStore, type FlowLogPage } from './flow-log-store.js';
import { FlowStore, onlyVnics, withoutVnics } from './flow-store.js';
import { RuleSetStore, storedText } from './rule-set-store.js';

/**
 * Packets per batch; a larger batch is answered 413. A request costs about 7 ms before its first packet
 * (client, proxy, Worker, RPC), so an agent's batch should be large: 65,536 binary packets are 3 MB.
 */
export const MAX_BATCH_PACKETS = 65536;
/**
 * Flow-log records kept between a batch and its write (64 B each: 1 MB); a batch that logs more grows the
 * ring up to MAX_BATCH_PACKETS rather than lose any.
 */
const FLOW_LOG_RING = 16384;
/** vNIC handles are D1 autoincrement ids, so 0 names no vNIC. */
const UNKNOWN_VNIC = 0;
const IDLE_ALARM_MS = 60_000;
/** Flow-log entries decoded per step of an export read. */
const EXPORT_READ = 4096;

export type BatchOutcome<T> =
  | { ok: true; result: T }
  | { ok: false; problem: 'malformed' | 'too-large'; code: string; message: string; index: number | null };

export interface MovedVnic {
  handle: number;
  tenant: string;
  id: string;
}

export type TenantRealization = TenantSummary;

/** What /metrics reads of one hypervisor: verdict counts since the object's first packet, and gauges. */
export interface HypervisorMetrics {
  verdicts: TallyRow[];
  flows: number;
  ruleSets: { tenant: string; revision: number }[];
}

/** What a candidate rule set would do here, computed against the live conntrack and flow log. */
export interface HypervisorImpact {
  hypervisor: string;
  /** the revision enforced here now (null: none for this tenant) */
  realizedRevision: number | null;
  flows: FlowImpact;
  flowLog: FlowLogImpact;
}

/** Recent flow-log entries a dry run replays against the candidate rules. */
const IMPACT_FLOW_LOG_ENTRIES = 1000;

/** Lets queued events (status reads, packet batches) run between slices of a long job. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function runSteps<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await yieldToEvents();
  }
}

/**
 * The data plane of one hypervisor: compiled rule sets of every tenant with vNICs here, the conntrack
 * table, counters and flow log. Conntrack changes, counters and flow-log records of a batch are written to
 * SQLite in the same event as the batch, so the output gate releases the verdicts only once they are
 * durable. Rule sets are built in slices that yield, one at a time, and swapped in whole: status reads and
 * packets are answered meanwhile, packets by the rules in force.
 */
export class HypervisorDO extends DurableObject<Env> {
  // the ring only carries one batch's records to storage, so it need not be larger than a batch
  #plane = new DataPlane({ flowLogCapacity: FLOW_LOG_RING, flowLogMaxCapacity: MAX_BATCH_PACKETS });
  #flows: FlowStore;
  #ruleSets: RuleSetStore;
  #evidence: EvidenceStore;
  #flowLog: FlowLogStore;
  /** packets per (tenant, action, reason) for /metrics, stored with the other evidence of a batch */
  #tally = new VerdictTally();
  /** rule-set installs and removals, one after another */
  #ruleSetWork: Promise<unknown> = Promise.resolve();
  #staged = new Map<string, { header: RuleSetHeader; parts: RuleSetPart[] }>();
  /** vNICs that migrated away, by tenant and id, so JSON packets naming them still get `moved` */
  #movedByName = new Map<string, MovedVnic>();
  #clockOffsetMs = 0;
  /** binary batches decode into these arrays: a batch is judged and answered within one event */
  #binaryBatch: PacketBatch | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#flows = new FlowStore(ctx.storage.sql);
    this.#ruleSets = new RuleSetStore(ctx.storage.sql);
    this.#evidence = new EvidenceStore(ctx.storage.sql);
    this.#flowLog = new FlowLogStore(ctx.storage.sql);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
    const loaded = ctx.blockConcurrencyWhile(async () => this.#load());
    // classifiers of the restored rule sets are built after the load, in slices, rather than on first use
    void loaded.then(() => runSteps(this.#plane.warmSteps())).catch(() => undefined);
  }

  #now(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  #load(): void {
    this.#clockOffsetMs = Number(this.#kv('clockOffsetMs') ?? 0);
    const now = this.#now();
    // rule handles first: persisted flows and flow-log records name rules by handle
    const evidence = this.#evidence.load();
    const legacy = this.#kv('counters');
    if (legacy && evidence.rules.length === 0) this.#plane.importCounters(JSON.parse(legacy), now);
    else this.#plane.restoreEvidence(evidence.rules, evidence.labels, evidence.blocks, now);
    if (legacy) {
      this.#evidence.save(this.#plane);
      this.ctx.storage.sql.exec("DELETE FROM kv WHERE k = 'counters'");
    }
    this.#tally.load(this.#evidence.loadVerdicts());
    for (const rs of this.#ruleSets.loadAll()) {
      this.#plane.applyRuleSet(rs, now);
      this.#tallyVnics(rs);
    }
    const moved = this.#kv('moved');
    if (moved) for (const v of JSON.parse(moved) as MovedVnic[]) this.#markMoved(v, true);
    const records = this.#flows.loadAll();
    if (records.length) this.#plane.conntrack.importRecords(records.buffer as ArrayBuffer);
    this.#plane.conntrack.expire(Math.floor(this.#now() / 1000));
    // a vNIC that moved away has no flows here, even if a crash came before its rows were deleted
    const away = [...this.#movedByName.values()].map((v) => v.handle);
    if (this.#plane.releaseFlows(away) > 0) this.#addPendingRelease(away);
    this.#plane.conntrack.takeDirty();
  }

  #tallyVnics(rs: CompiledRuleSet): void {
    for (const v of rs.vnics) this.#tally.assign(v.handle, rs.tenant);
  }

  #markMoved(v: MovedVnic, moved: boolean): void {
    this.#plane.setMoved(v.handle, moved);
    this.#tally.assign(v.handle, v.tenant);
    const key = `${v.tenant}\u0000${v.id}`;
    if (moved) this.#movedByName.set(key, v);
    else this.#movedByName.delete(key);
  }

  #saveMoved(): void {
    this.#setKv('moved', JSON.stringify([...this.#movedByName.values()]));
  }

  #kv(key: string): string | null {
    const row = this.ctx.storage.sql.exec<{ v: string }>('SELECT v FROM kv WHERE k = ?', key).toArray()[0];
    return row ? row.v : null;
  }

  #setKv(key: string, value: string): void {
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', key, value);
  }

  /**
   * Writes the conntrack changes and the evidence since the last call. Flows of `batchVnics` (just migrated
   * in) go to batch rows; deletes of `releasedVnics` are left to a later key-range delete.
   */
  #persist(opts: { batchVnics?: ReadonlySet<number>; releasedVnics?: ReadonlySet<number> } = {}): void {
    const { upserts, deletes } = this.#plane.conntrack.takeDirty();
    if (opts.batchVnics) {
      this.#flows.appendBatch(onlyVnics(upserts, opts.batchVnics));
      this.#flows.apply(withoutVnics(upserts, opts.batchVnics), deletes, opts.releasedVnics);
    } else {
      this.#flows.apply(upserts, deletes, opts.releasedVnics);
    }
    this.#saveEvidence();
  }

  /** Counters, new rule names and vNIC labels, and the batch's flow-log records, in the caller's event. */
  #saveEvidence(): void {
    for (const records of this.#plane.takeFlowLog().segments) this.#flowLog.append(records);
    this.#evidence.save(this.#plane);
    this.#evidence.saveVerdicts(this.#tally);
  }

  async #armAlarm(): Promise<void> {
    const next = this.#plane.conntrack.nextExpiry();
    const now = this.#now();
    const at = Number.isFinite(next)
      ? Math.min(next * 1000 + 1000, now + IDLE_ALARM_MS)
      : now + IDLE_ALARM_MS;
    const current = await this.ctx.storage.getAlarm();
    const wall = at - this.#clockOffsetMs;
    if (current === null || current > wall) await this.ctx.storage.setAlarm(Math.max(wall, Date.now() + 10));
  }

  /** Runs rule-set jobs one at a time, in the order they arrive. */
  #serially<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#ruleSetWork.then(job, job);
    this.#ruleSetWork = run.catch(() => undefined);
    return run;
  }

  /**
   * Installs a tenant's compiled rule set; an older revision than the one in force is ignored. Built and
   * serialized in slices; the swap and the stored copy are one synchronous step, so a crash leaves the old
   * or the new rule set, never a mix.
   */
  async applyRuleSet(rs: CompiledRuleSet): Promise<TenantRealization> {
    return this.#serially(async () => {
      const current = this.#plane.revisionOf(rs.tenant);
      if (current === undefined || rs.revision >= current) {
        const tenant = await runSteps(this.#plane.prepareRuleSet(rs));
        const text = await runSteps(storedText(rs));
        this.#plane.install(tenant, this.#now());
        this.#tallyVnics(rs);
        this.#ruleSets.putText(rs.tenant, text);
        this.#persist();
      }
      return this.#summary(rs.tenant)!;
    });
  }

  /** A rule set too large for one message arrives as a header, parts, then a commit (see ruleSetParts). */
  async beginRuleSet(header: RuleSetHeader): Promise<void> {
    this.#staged.set(header.tenant, { header, parts: [] });
  }

  async appendRuleSetPart(tenant: string, revision: number, part: RuleSetPart): Promise<void> {
    const staged = this.#staged.get(tenant);
    if (!staged || staged.header.revision !== revision)
      throw new Error(`no rule set ${revision} staged for ${tenant}`);
    staged.parts.push(part);
  }

  async commitRuleSet(tenant: string, revision: number): Promise<TenantRealization> {
    const staged = this.#staged.get(tenant);
    if (!staged || staged.header.revision !== revision)
      throw new Error(`no rule set ${revision} staged for ${tenant}`);
    this.#staged.delete(tenant);
    return this.applyRuleSet(unpackRuleSet(joinRuleSetParts(staged.header, staged.parts)));
  }

  async removeTenant(tenant: string): Promise<void> {
    await this.#serially(async () => {
      this.#plane.removeTenant(tenant);
      this.#ruleSets.remove(tenant);
      this.#persist();
    });
  }

  #summary(tenant: string): TenantRealization | undefined {
    return this.#plane.tenantSummaries().find((s) => s.tenant === tenant);
  }

  async status(): Promise<TenantRealization[]> {
    return this.#plane.tenantSummaries();
  }

  #run<T>(decode: () => PacketBatch, encode: (b: PacketBatch) => T): BatchOutcome<T> {
    let batch: PacketBatch;
    try {
      batch = decode();
    } catch (err) {
      if (err instanceof BatchTooLargeError)
        return {
          ok: false,
          problem: 'too-large',
          code: 'batch-too-large',
          message: err.message,
          index: null,
        };
      if (err instanceof BatchError)
        return { ok: false, problem: 'malformed', code: 'bad-batch', message: err.message, index: err.index };
      throw err;
    }
    const result = encode(batch);
    this.#persist();
    void this.#armAlarm();
    return { ok: true, result };
  }

  /** Unknown names map to handle 0, which no vNIC has: judged `drop` / `unknown-vnic` like any stranger. */
  #resolveVnic(id: string, tenant: string | undefined): number | string {
    const found = this.#plane.resolveVnic(id, tenant);
    if (typeof found !== 'string' || !found.startsWith('unknown')) return found;
    const moved = [...this.#movedByName.values()].filter(
      (v) => v.id === id && (!tenant || v.tenant === tenant),
    );
    return moved.length === 1 ? moved[0]!.handle : UNKNOWN_VNIC;
  }

  async processJson(body: unknown): Promise<BatchOutcome<{ verdicts: JsonVerdict[] }>> {
    return this.#run(
      () => decodeJsonBatch(body, (id, tenant) => this.#resolveVnic(id, tenant), MAX_BATCH_PACKETS),
      (batch) => {
        const v = this.#judge(batch);
        return { verdicts: verdictsToJson(v, (h) => this.#plane.ruleRef(h)) };
      },
    );
  }

  /** Binary batches come by fetch (see binary-exchange.ts); everything else by RPC. */
  override async fetch(request: Request): Promise<Response> {
    if (!isBinaryBatch(request)) return new Response(null, { status: 404 });
    return binaryBatchAnswer(await this.processBinary(await request.arrayBuffer()));
  }

  async processBinary(buf: ArrayBuffer): Promise<BatchOutcome<ArrayBuffer>> {
    return this.#run(
      () => {
        const batch = decodeBinaryBatch(buf, MAX_BATCH_PACKETS, this.#binaryBatch);
        // an OWC1 batch is views over this body: no arrays to keep for the next one
        if (batch.vnic.buffer !== buf) this.#binaryBatch = batch;
        return batch;
      },
      (batch) => encodeBinaryVerdicts(this.#judge(batch)),
    );
  }

  #judge(batch: PacketBatch) {
    const verdicts = this.#plane.process(batch, this.#now());
    this.#tally.count(batch, verdicts);
    return verdicts;
  }

  /** Counters and gauges for /metrics: one call per hypervisor and scrape. */
  async metrics(): Promise<HypervisorMetrics> {
    return {
      verdicts: this.#tally.rows(),
      flows: this.#plane.conntrack.size,
      ruleSets: this.#plane.tenantSummaries().map((s) => ({ tenant: s.tenant, revision: s.revision })),
    };
  }

  /** Rule handles as binary verdicts name them: index = handle. */
  async ruleTable(): Promise<[tenant: string, policy: string, rule: string][]> {
    return this.#plane.ruleNames(0).map((r) => [r.tenant, r.policy, r.rule]);
  }

  async ruleStats(tenant: string, policy?: string): Promise<RuleStats[]> {
    return this.#plane.ruleStats(tenant, policy);
  }

  /** Stored flow-log entries matching the filter, newest first, older than `beforeSeq` when given. */
  async flowLog(filter: FlowLogFilter & { beforeSeq?: number }): Promise<FlowLogPage> {
    const { beforeSeq, limit, ...match } = filter;
    return this.#flowLog.read(match, this.#plane.flowLogNames, beforeSeq, limit ?? 100);
  }

  /**
   * Evidence export: like flowLog, but only entries at or before `untilMs`; with `countOnly`, just how
   * many match (up to `limit`), so an export can be refused before its first byte.
   */
  async flowLogUntil(
    filter: FlowLogFilter & { beforeSeq?: number; untilMs: number; countOnly?: boolean },
  ): Promise<FlowLogPage & { count: number }> {
    const { beforeSeq, limit = 100, untilMs, countOnly, ...match } = filter;
    const entries: FlowLogPage['entries'] = [];
    let count = 0;
    let before = beforeSeq;
    for (;;) {
      const page = this.#flowLog.read(match, this.#plane.flowLogNames, before, EXPORT_READ);
      for (const e of page.entries) {
        if (e.at > untilMs) continue;
        if (count === limit) return { entries, more: true, count };
        count++;
        if (!countOnly) entries.push(e);
      }
      if (!page.more) return { entries, more: false, count };
      before = page.entries[page.entries.length - 1]!.seq;
    }
  }

  /** The tenant's rule set as installed here (explain decides over exactly this). */
  async ruleSetOf(tenant: string): Promise<CompiledRuleSet | null> {
    return this.#ruleSets.load(tenant);
  }

  /**
   * The tenant's flows here that `candidate` would no longer allow and the recent logged decisions it would
   * change; nothing is installed, cut or written.
   */
  async impactOf(candidate: CompiledRuleSet, sampleLimit = 100): Promise<HypervisorImpact> {
    const page = this.#flowLog.read(
      { tenant: candidate.tenant },
      this.#plane.flowLogNames,
      undefined,
      IMPACT_FLOW_LOG_ENTRIES,
    );
    const next = impactState(candidate, this.#plane.conntrack, page.entries);
    const current = this.#plane.tenantState(candidate.tenant);
    const flows = flowImpact(
      this.#plane.conntrack,
      current,
      next,
      (w) => this.#plane.ruleRef(w),
      sampleLimit,
    );
    return {
      hypervisor: candidate.hypervisor,
      realizedRevision: current?.revision ?? null,
      flows,
      flowLog: flowLogImpact(page.entries, next, sampleLimit),
    };
  }

  /** Migration, destination: rules for the incoming vNICs, which answer `moved` until their flows arrive. */
  async prepareIncoming(rs: CompiledRuleSet, incoming: MovedVnic[]): Promise<void> {
    await this.applyRuleSet(rs);
    for (const v of incoming) this.#markMoved(v, true);
    this.#saveMoved();
  }

  /** Migration, source: from now on these vNICs answer `moved`; their flows stay until released. */
  async freeze(vnics: MovedVnic[]): Promise<number> {
    for (const v of vnics) this.#markMoved(v, true);
    this.#saveMoved();
    return vnics.reduce((n, v) => n + this.#plane.conntrack.countByVnic(v.handle), 0);
  }

  async exportFlows(handles: number[]): Promise<FlowTransfer> {
    return this.#plane.exportFlows(handles);
  }

  /** Migration, destination: takes the flows (idempotent) and starts judging the vNICs' packets. */
  async importFlows(vnics: MovedVnic[], transfer: FlowTransfer): Promise<number> {
    const applied = this.#plane.importFlows(transfer, this.#now());
    for (const v of vnics) {
      this.#markMoved(v, false);
    }
    this.#saveMoved();
    this.#persist({ batchVnics: new Set(vnics.map((v) => v.handle)) });
    await this.ctx.storage.setAlarm(Date.now() + 10);
    return applied;
  }

  /** Migration, source: drops its copy of the moved flows; the vNICs keep answering `moved`. */
  async releaseFlows(handles: number[]): Promise<number> {
    const released = this.#plane.releaseFlows(handles);
    this.#persist({ releasedVnics: new Set(handles) });
    this.#addPendingRelease(handles);
    await this.ctx.storage.setAlarm(Date.now() + 10);
    return released;
  }

  async flowsOf(handles: number[]): Promise<number> {
    return handles.reduce((n, h) => n + this.#plane.conntrack.countByVnic(h), 0);
  }

  /** Released vNICs whose stored rows still wait for their range delete (done by the alarm). */
  #addPendingRelease(handles: readonly number[]): void {
    const pending = new Set<number>(JSON.parse(this.#kv('pendingRelease') ?? '[]') as number[]);
    for (const h of handles) pending.add(h);
    this.#setKv('pendingRelease', JSON.stringify([...pending]));
  }

  /** Expiry, plus the storage work a migration left for later: range deletes and batch compaction. */
  override async alarm(): Promise<void> {
    this.#plane.conntrack.expire(Math.floor(this.#now() / 1000));
    this.#persist();
    const pending = JSON.parse(this.#kv('pendingRelease') ?? '[]') as number[];
    if (pending.length) {
      this.#flows.deleteVnics(pending);
      this.#setKv('pendingRelease', '[]');
    }
    const table = this.#plane.conntrack;
    this.#flows.compact((recs, off) => {
      const ref = table.findRecord(recs, off);
      return ref < 0 ? null : table.encodeFlow(ref);
    });
    if (this.#flows.hasBatches()) await this.ctx.storage.setAlarm(Date.now() + 10);
    else if (table.size > 0) await this.#armAlarm();
  }

  /** Test hook (only with TEST_HOOKS=on): moves this object's clock forward, as time passing would. */
  async advanceClock(seconds: number): Promise<void> {
    if (this.env.TEST_HOOKS !== 'on') throw new Error('test hooks are off');
    this.#clockOffsetMs += seconds * 1000;
    this.#setKv('clockOffsetMs', String(this.#clockOffsetMs));
  }

  /**
   * Test hook (only with TEST_HOOKS=on): ends this instance as an eviction or crash would; the next call
   * builds a new one from storage.
   */
  async restart(): Promise<void> {
    if (this.env.TEST_HOOKS !== 'on') throw new Error('test hooks are off');
    this.ctx.abort('test restart');
  }

  async flowCount(): Promise<{ memory: number; stored: number }> {
    return { memory: this.#plane.conntrack.size, stored: this.#flows.count() };
  }
}
