import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.js';
import { realizeTenant, UnrealizableRevision } from './realize-tenant.js';

interface RealizerState {
  tenant: string;
  wanted: number;
  realized: number;
  hypervisors: string[];
  /** every hypervisor that ever held the tenant (stats and flow logs are read there) */
  seen: string[];
  error: string | null;
  /** the newest revision found not to compile; the realizer waits for a newer one instead of retrying it */
  unrealizable: number;
}

/**
 * One per tenant: realizes the tenant's latest revision on its hypervisors. Concurrent requests coalesce
 * into one compile of the newest state; asynchronous requests are picked up by the alarm, which retries
 * until the wanted revision is realized.
 */
export class RealizerDO extends DurableObject<Env> {
  #state: RealizerState | null = null;
  #running: Promise<void> | null = null;
  #finishedAt = 0;
  #lastRunMs = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#state = (await ctx.storage.get<RealizerState>('state')) ?? null;
    });
  }

  async request(tenant: string, revision: number, wait: boolean): Promise<RealizerState> {
    const s = (this.#state ??= {
      tenant,
      wanted: 0,
      realized: 0,
      hypervisors: [],
      seen: [],
      error: null,
      unrealizable: 0,
    });
    s.unrealizable ??= 0;
    s.wanted = Math.max(s.wanted, revision);
    await this.ctx.storage.put('state', s);
    if (!wait) {
      // asynchronous writes coalesce; realization gets at most about half of the time while they stream in
      const at = Math.max(Date.now() + 100, this.#finishedAt + this.#lastRunMs);
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(at);
      return { ...s };
    }
    await this.#realizeUpTo(revision);
    return { ...this.#state! };
  }

  async status(): Promise<RealizerState | null> {
    return this.#state ? { ...this.#state } : null;
  }

  override async alarm(): Promise<void> {
    const s = this.#state;
    if (!s || s.realized >= s.wanted || s.unrealizable >= s.wanted) return;
    try {
      await this.#realizeUpTo(s.wanted);
      if (s.realized < s.wanted)
        await this.ctx.storage.setAlarm(Math.max(Date.now() + 100, this.#finishedAt + this.#lastRunMs));
    } catch {
      await this.ctx.storage.setAlarm(Date.now() + 2000);
    }
  }

  async #realizeUpTo(revision: number): Promise<void> {
    const s = this.#state!;
    for (let round = 0; s.realized < revision && s.unrealizable < revision && round < 3; round++) {
      this.#running ??= this.#runOnce().finally(() => (this.#running = null));
      await this.#running;
    }
  }

  async #runOnce(): Promise<void> {
    const s = this.#state!;
    const started = Date.now();
    try {
      const result = await realizeTenant(this.env, s.tenant, s.hypervisors);
      // a deleted tenant (revision 0) is realized once it is gone everywhere
      s.realized = result.revision === 0 ? s.wanted : Math.max(s.realized, result.revision);
      s.hypervisors = result.hypervisors;
      s.seen = [...new Set([...s.seen, ...result.hypervisors])].sort();
      s.error = null;
    } catch (err) {
      s.error = err instanceof Error ? err.message : String(err);
      if (!(err instanceof UnrealizableRevision)) throw err;
      s.unrealizable = Math.max(s.unrealizable, err.revision);
    } finally {
      this.#finishedAt = Date.now();
      this.#lastRunMs = this.#finishedAt - started;
      await this.ctx.storage.put('state', s);
    }
  }
}
