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
 * batch waits while they keep coming (as Kafka's linger.ms), at most LINGER_MAX_MS, and not at all once
 * as many are waiting as the last batch answered (those are the senders that were waiting for it).
 */
const LINGER_QUIET_MS = 10;
const LINGER_MAX_MS = 40;
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
 * objects and NetBox deliveries log, which is what lets it remember what D1 holds of them.
 */
export class DeliveryQueueDO extends DurableObject<Env> {
  readonly #db: Db;
  readonly #waiting: Waiting[] = [];
  #draining = false;
  #index: NetboxIndex | null = null;
  #epoch = 0;
  /** dedup keys this writer recorded (not rejected), with the epoch of the batch that did */
  readonly #recorded = new Map<string, number>();
  #lastAnswered = 0;
  #realizing: Promise<void> | null = null;
  #toRealize = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = openDb(env.DB);
  }

  submit(job: NetboxJob): Promise<JobAnswer> {
    // the dedup read runs while the job waits for its batch
    const seen = seenDeliveries(this.#db, job.tenant, 'netbox', [job.dedupKey]).then((s) =>
      s.has(job.dedupKey),
    );
    seen.catch(() => undefined); // awaited by the batch; a batch that fails first must not leave it unhandled
    return new Promise((resolve, reject) => {
      this.#waiting.push({ job, seen, epoch: this.#epoch, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #linger(): Promise<void> {
    const started = Date.now();
    let seen = this.#waiting.length;
    while (
      seen < Math.min(MAX_BATCH, this.#lastAnswered || MAX_BATCH) &&
      Date.now() - started < LINGER_MAX_MS
    ) {
      await sleep(LINGER_QUIET_MS);
      if (this.#waiting.length === seen) return;
      seen = this.#waiting.length;
    }
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

  /** Realization coalesces: one request at a time, for the newest revision committed meanwhile. */
  #realize(tenant: string, revision: number): void {
    this.#toRealize = Math.max(this.#toRealize, revision);
    if (this.#realizing) return;
    this.#realizing = (async () => {
      for (let asked = 0; asked < this.#toRealize;) {
        asked = this.#toRealize;
        try {
          await realizerOf(this.env, tenant).request(tenant, asked, false);
        } catch (err) {
          console.error('realization failed', err instanceof Error ? err.message : String(err));
        }
      }
    })().finally(() => (this.#realizing = null));
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#waiting.length > 0) {
        await this.#linger();
        const batch = this.#waiting.splice(0, MAX_BATCH);
        const tenant = batch[0]!.job.tenant;
        this.#index ??= new NetboxIndex(this.#db, tenant);
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
            if (a.kind !== 'rejected' && a.kind !== 'failed')
              this.#recorded.set(batch[i]!.job.dedupKey, this.#epoch);
          });
          if (out.revision !== null) this.#realize(tenant, out.revision);
          batch.forEach((w, i) => w.resolve(out.answers[i]!));
        } catch (err) {
          // what was written is unknown: read the index again rather than trust it
          this.#index.invalidate();
          for (const w of batch) w.reject(err);
        }
        this.#lastAnswered = batch.length;
        this.#prune();
      }
    } finally {
      this.#draining = false;
    }
  }
}
