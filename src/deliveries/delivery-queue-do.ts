import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.js';
import { openDb, type Db } from '../store/db.js';
import { applyNetboxBatch } from './netbox-batch.js';
import type { JobAnswer, NetboxJob } from './types.js';

/** Enough to amortize a batch's reads and commit; small enough that one batch stays well inside D1's limits. */
const MAX_BATCH = 64;
/**
 * A burst's senders answer and send again together, so their next deliveries arrive a few ms apart: a
 * batch waits while they keep coming (as Kafka's linger.ms), at most LINGER_MAX_MS.
 */
const LINGER_QUIET_MS = 10;
const LINGER_MAX_MS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Waiting {
  job: NetboxJob;
  resolve: (answer: JobAnswer) => void;
  reject: (err: unknown) => void;
}

/**
 * One tenant's NetBox writer: deliveries that arrive while a batch commits wait and go together in the
 * next one (arrival order kept), so a burst costs a few D1 batches and realizations instead of one each,
 * and deliveries of one tenant never race each other.
 */
export class DeliveryQueueDO extends DurableObject<Env> {
  readonly #db: Db;
  readonly #waiting: Waiting[] = [];
  #draining = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#db = openDb(env.DB);
  }

  submit(job: NetboxJob): Promise<JobAnswer> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ job, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #linger(): Promise<void> {
    const started = Date.now();
    let seen = this.#waiting.length;
    while (seen < MAX_BATCH && Date.now() - started < LINGER_MAX_MS) {
      await sleep(LINGER_QUIET_MS);
      if (this.#waiting.length === seen) return;
      seen = this.#waiting.length;
    }
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#waiting.length > 0) {
        await this.#linger();
        const batch = this.#waiting.splice(0, MAX_BATCH);
        try {
          const answers = await applyNetboxBatch(
            this.env,
            this.#db,
            batch.map((w) => w.job),
          );
          batch.forEach((w, i) => w.resolve(answers[i]!));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}
