import type { Context } from 'hono';
import { realizerOf } from '../env.js';
import type { AppEnv } from './context.js';

/**
 * Pushes a committed revision to the tenant's hypervisors. By default the write answers once every
 * affected hypervisor enforces it; with `Prefer: respond-async` it answers at once and the hypervisor
 * status shows when it is realized; webhook deliveries always answer at once (`async`), so a burst
 * coalesces into few compiles. Either way the `Omniwall-Realization` header says which (`failed` when the
 * revision cannot compile: the hypervisors keep enforcing the last revision that did).
 */
export async function realizeAfterWrite(
  c: Context<AppEnv>,
  tenant: string,
  revision: number,
  opts: { async?: boolean } = {},
): Promise<void> {
  const wait = !opts.async && !/respond-async/i.test(c.req.header('prefer') ?? '');
  const stub = realizerOf(c.env, tenant);
  try {
    const state = await stub.request(tenant, revision, wait);
    const outcome =
      state.realized >= revision ? 'realized' : state.unrealizable >= revision ? 'failed' : 'pending';
    c.header('Omniwall-Realization', outcome);
    if (!wait) c.header('Preference-Applied', 'respond-async');
  } catch (err) {
    console.error('realization failed', err instanceof Error ? err.message : String(err));
    c.header('Omniwall-Realization', 'pending');
    await stub.request(tenant, revision, false).catch(() => undefined);
  }
}
