import type { Env } from '../env.js';
import { metricsOf, type RequestCount } from './metrics-of.js';

/** At most one flush per isolate this often: a busy isolate costs the MetricsDO one write per interval. */
export const FLUSH_INTERVAL_MS = 5_000;

type Defer = ((work: Promise<unknown>) => void) | undefined;

/**
 * API requests counted in this isolate and not yet sent, by method, route pattern and status. Isolates
 * are many and short-lived, so counting is a map increment; the buffer is sent to the MetricsDO after the
 * response (waitUntil), at most every FLUSH_INTERVAL_MS, a trailing send included so a burst's tail is
 * not left behind. What an isolate counted in its last interval is lost if it is evicted before the send.
 */
export class RequestCounts {
  #pending = new Map<string, RequestCount>();
  #lastFlush = -Infinity;
  #scheduled = false;

  record(env: Pick<Env, 'METRICS'>, method: string, route: string, status: number, defer: Defer): void {
    const key = `${method} ${status} ${route}`;
    const known = this.#pending.get(key);
    if (known) known.n++;
    else this.#pending.set(key, { method, route, status, n: 1 });
    if (this.#scheduled || !defer) return;
    this.#scheduled = true;
    const wait = Math.max(0, this.#lastFlush + FLUSH_INTERVAL_MS - Date.now());
    defer(
      new Promise((resolve) => setTimeout(resolve, wait)).then(() => {
        this.#scheduled = false;
        return this.flush(env);
      }),
    );
  }

  /** Sends what is pending; counts that fail to arrive are put back for the next send. */
  async flush(env: Pick<Env, 'METRICS'>): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    this.#lastFlush = Date.now();
    try {
      await metricsOf(env).add(batch);
    } catch (err) {
      for (const c of batch) {
        const key = `${c.method} ${c.status} ${c.route}`;
        const known = this.#pending.get(key);
        if (known) known.n += c.n;
        else this.#pending.set(key, c);
      }
      console.warn(`api request counts not sent: ${String(err)}`);
    }
  }
}

/** This isolate's counts. */
export const requestCounts = new RequestCounts();
