import type { Context } from 'hono';
import type { AppEnv } from './context.js';

/** Realization of a committed tenant revision on the hypervisors (see src/realization). */
export async function realizeAfterWrite(
  _c: Context<AppEnv>,
  _tenant: string,
  _revision: number,
): Promise<void> {}
