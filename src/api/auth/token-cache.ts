import type { StoredToken } from '../../store/tokens.js';

/**
 * How long an isolate trusts a token row it read: a hypervisor agent posting batches back to back costs
 * one D1 read a second instead of one per batch. A revocation reaches the isolate that made it at once
 * and every other isolate within this long.
 */
export const TOKEN_CACHE_MS = 1_000;
/** Only tokens that verified are kept, so this bounds memory against many live tokens, not attackers. */
const MAX_ENTRIES = 4_096;

interface Entry {
  token: StoredToken;
  readAt: number;
}

/**
 * Token rows by id as D1 gave them, the hash included: a hit is still compared with the presented secret
 * and checked for expiry on every request. A read that began before a revocation cannot put its row
 * back afterwards: `epoch` moves on every forget and a row read under an older epoch is not kept.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  #epoch = 0;

  get epoch(): number {
    return this.#epoch;
  }

  get(id: string, now: number): StoredToken | undefined {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    if (now - e.readAt < TOKEN_CACHE_MS && now >= e.readAt) return e.token;
    this.#entries.delete(id);
    return undefined;
  }

  /** Keeps a row read under `epoch` (read `epoch` before the D1 read began). */
  set(id: string, token: StoredToken, readAt: number, epoch: number): void {
    if (epoch !== this.#epoch) return;
    this.#entries.delete(id);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(id, { token, readAt });
  }

  forget(id: string): void {
    this.#epoch++;
    this.#entries.delete(id);
  }
}

/** This isolate's cache. */
export const tokenCache = new TokenCache();
