import { DurableObject } from 'cloudflare:workers';
import { realizerOf, type Env } from '../env.js';
import { openDb, type Db } from '../store/db.js';
import { seenDeliveries } from '../store/webhook-deliveries.js';
import { applyNetboxBatch } from './netbox-batch.js';
import { NetboxIndex } from './netbox-index.js';
import type { JobAnswer, NetboxJob } from './types.js';

/** Enough to amortize a batch's commit; small enough that one batch stays well inside D1's limits. */
const MAX_BATCH = 64;
/**
 * A burst's senders answer and send again together, so their next deliveries arrive a few ms apart: a
 * batch waits while they keep coming (as Kafka's linger.ms) until as many wait as the burst has senders;
 * at least these floors, longer when batches take longer (see #linger).
 */
const LINGER_POLL_MS = 5;
const LINGER_MAX_MS = 40;
/** how long a burst's number of senders is remembered after the last time that many were in */
const SENDERS_MEMORY_MS = 2_000;
/** see #realizeLater */
const REALIZE_IDLE_MS = 500;
const REALIZE_MAX_DEFER_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiting {
  job: NetboxJob;
  /** whether D1 held the key when the job arrived; what was recorded since is in #recorded */
  seen: Promise<boolean>;
  /** the batches committed when the job arrived */
  epoch: number;
  resolve: (answer: JobAnswer) => void;
  reject: (err: unknown) => void;
}

/**
 * One tenant's NetBox writer: deliveries that arrive while a batch commits wait and go together in the
 * next one (arrival order kept), so a burst costs a few D1 batches and realizations instead of one each,
 * and deliveries of one tenant never race each other. It is the only writer of the tenant's NetBox
 * objects and of the NetBox deliveries that count as seen, which is what lets it remember what D1 holds.
 */
export class DeliveryQueueDO extends DurableObject<Env> {
  readonly #db: Db;
  readonly #waiting: Waiting[] = [];
  #draining = false;
  #index: NetboxIndex | null = null;
  #epoch = 0;
  /** dedup keys this writer recorded (not rejected), with the epoch of the batch that did */
  readonly #recorded = new Map<string, number>();
  #inBatch = 0;
  /** how many deliveries were in this writer at once lately: the senders a burst has */
  #senders = 0;
  #sendersAt = 0;
  #lookups: { key: string; resolve: (seen: boolean) => void; reject: (err: unknown) => void }[] = [];
  #lookingUp = false;
  #toRealize = 0;
  #deferredSince = 0;
  #realizeTimer: ReturnType<typeof setTimeout> | undefined;
  #lastApplyMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = openDb(env.DB);
  }

  submit(job: NetboxJob): Promise<JobAnswer> {
    // the dedup read runs while the job waits for its batch
    const seen = this.#inD1(job.tenant, job.dedupKey);
    seen.catch(() => undefined); // awaited by the batch; a batch that fails first must not leave it unhandled
    return new Promise((resolve, reject) => {
      this.#waiting.push({ job, seen, epoch: this.#epoch, resolve, reject });
      const now = this.#waiting.length + this.#inBatch;
      if (now >= this.#senders || Date.now() - this.#sendersAt > SENDERS_MEMORY_MS) {
        this.#senders = now;
        this.#sendersAt = Date.now();
      }
      if (!this.#draining) void this.#drain();
    });
  }

  /** Whether D1 holds the key, read with the keys of the jobs that arrive meanwhile: one read at a time. */
  #inD1(tenant: string, key: string): Promise<boolean> {
    const out = new Promise<boolean>((resolve, reject) => this.#lookups.push({ key, resolve, reject }));
    if (!this.#lookingUp) void this.#lookUp(tenant);
    return out;
  }

  async #lookUp(tenant: string): Promise<void> {
    this.#lookingUp = true;
    try {
      while (this.#lookups.length > 0) {
        const part = this.#lookups.splice(0, MAX_BATCH);
        try {
          const seen = await seenDeliveries(
            this.#db,
            tenant,
            'netbox',
            part.map((l) => l.key),
          );
          for (const l of part) l.resolve(seen.has(l.key));
        } catch (err) {
          for (const l of part) l.reject(err);
        }
      }
    } finally {
      this.#lookingUp = false;
    }
  }

  /**
   * Waiting for a sender costs those already waiting; not waiting costs it a whole batch more: so a batch
   * waits at most about four times as long as the last one took (a loaded machine spreads arrivals out),
   * and not at all for senders it has not seen lately.
   */
  async #linger(): Promise<void> {
    const started = Date.now();
    const max = Math.max(LINGER_MAX_MS, 4 * this.#lastApplyMs);
    while (this.#waiting.length < Math.min(MAX_BATCH, this.#senders) && Date.now() - started < max)
      await sleep(LINGER_POLL_MS);
  }

  /** Keys recorded before every waiting job arrived are in D1 for their reads: only later ones are kept. */
  #prune(): void {
    const oldest = Math.min(...this.#waiting.map((w) => w.epoch), this.#epoch);
    for (const [key, epoch] of this.#recorded) if (epoch < oldest) this.#recorded.delete(key);
  }

  async #seenBefore(batch: readonly Waiting[]): Promise<Set<string>> {
    const seen = await Promise.all(batch.map((w) => w.seen));
    return new Set(
      batch.filter((w, i) => seen[i] || this.#recorded.has(w.job.dedupKey)).map((w) => w.job.dedupKey),
    );
  }

  /**
   * Realization coalesces across batches (SPEC §7: a burst is realized once where it can be): asked for
   * once the writer has had nothing to apply for REALIZE_IDLE_MS, or REALIZE_MAX_DEFER_MS after the first
   * revision not yet asked for, so that a stream that never pauses is still realized as it goes.
   */
  #realizeLater(tenant: string, revision: number): void {
    if (this.#toRealize === 0) this.#deferredSince = Date.now();
    this.#toRealize = Math.max(this.#toRealize, revision);
    if (Date.now() - this.#deferredSince >= REALIZE_MAX_DEFER_MS) this.#askRealizer(tenant);
  }

  #realizeWhenIdle(tenant: string): void {
    clearTimeout(this.#realizeTimer);
    this.#realizeTimer = setTimeout(() => {
      if (!this.#draining) this.#askRealizer(tenant);
    }, REALIZE_IDLE_MS);
  }

  #askRealizer(tenant: string): void {
    clearTimeout(this.#realizeTimer);
    const revision = this.#toRealize;
    if (revision === 0) return;
    this.#toRealize = 0;
    realizerOf(this.env, tenant)
      .request(tenant, revision, false)
      .catch((err: unknown) =>
        console.error('realization failed', err instanceof Error ? err.message : String(err)),
      );
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    let tenant: string | null = null;
    try {
      while (this.#waiting.length > 0) {
        await this.#linger();
        const batch = this.#waiting.splice(0, MAX_BATCH);
        this.#inBatch = batch.length;
        tenant = batch[0]!.job.tenant;
        this.#index ??= new NetboxIndex(this.#db, tenant);
        const began = Date.now();
        try {
          const seen = await this.#seenBefore(batch);
          const out = await applyNetboxBatch(
            this.env,
            this.#db,
            batch.map((w) => w.job),
            this.#index,
            seen,
          );
          this.#epoch++;
          out.answers.forEach((a, i) => {
            if (a.kind === 'done' || a.kind === 'duplicate')
              this.#recorded.set(batch[i]!.job.dedupKey, this.#epoch);
          });
          if (out.revision !== null) this.#realizeLater(tenant, out.revision);
          batch.forEach((w, i) => w.resolve(out.answers[i]!));
        } catch (err) {
          // what was written is unknown: read the index again rather than trust it
          this.#index.invalidate();
          for (const w of batch) w.reject(err);
        }
        this.#lastApplyMs = Date.now() - began;
        this.#inBatch = 0;
        this.#prune();
      }
    } finally {
      this.#draining = false;
      if (tenant !== null) this.#realizeWhenIdle(tenant);
    }
  }
}
