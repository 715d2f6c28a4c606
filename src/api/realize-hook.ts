import type { Context } from 'hono';
import type { AppEnv } from './context.js';

export function realizerStub(env: AppEnv['Bindings'], tenant: string) {
  return env.REALIZER.get(env.REALIZER.idFromName(tenant));
}

/**
 * Pushes a committed revision to the tenant's hypervisors. By default the write answers once every
 * affected hypervisor enforces it; with `Prefer: respond-async` it answers at once and the hypervisor
 * status shows when it is realized. Either way the `Omniwall-Realization` header says which.
 */
export async function realizeAfterWrite(c: Context<AppEnv>, tenant: string, revision: number): Promise<void> {
  const wait = !/respond-async/i.test(c.req.header('prefer') ?? '');
  const stub = realizerStub(c.env, tenant);
  try {
    const state = await stub.request(tenant, revision, wait);
    const done = state.realized >= revision;
    c.header('Omniwall-Realization', done ? 'realized' : 'pending');
    if (!wait) c.header('Preference-Applied', 'respond-async');
  } catch (err) {
    console.error('realization failed', err instanceof Error ? err.message : String(err));
    c.header('Omniwall-Realization', 'pending');
    await stub.request(tenant, revision, false).catch(() => undefined);
  }
}
