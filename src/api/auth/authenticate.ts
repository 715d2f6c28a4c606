import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { openDb, type Db } from '../../store/db.js';
import { findToken, touchToken, type StoredToken } from '../../store/tokens.js';
import type { AppEnv } from '../context.js';
import { unauthorized } from '../errors.js';
import type { Principal, Role } from './principal.js';
import { secretsEqual, sha256Hex, timingSafeEqual } from './secrets.js';
import { tokenCache } from './token-cache.js';

const ADMIN: Principal = { tokenId: 'admin', role: 'admin', tenant: null, hypervisor: null };
/** `lastUsedAt` is this coarse so that a busy token costs one D1 write a minute, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;
const encoder = new TextEncoder();

type Defer = (work: Promise<unknown>) => void;

async function readToken(db: Db, id: string): Promise<StoredToken | null> {
  const epoch = tokenCache.epoch;
  const stored = await findToken(db, id);
  if (stored) tokenCache.set(id, stored, Date.now(), epoch);
  return stored;
}

/**
 * Issued tokens look like `ow.<id>.<secret>`; anything else can only be the bootstrap admin token.
 * An unknown, wrong or expired token is null: the caller cannot tell which.
 */
export async function principalFor(
  env: AppEnv['Bindings'],
  bearer: string,
  defer?: Defer,
): Promise<Principal | null> {
  const parts = bearer.split('.');
  if (parts.length === 3 && parts[0] === 'ow') {
    const db = openDb(env.DB);
    const id = parts[1]!;
    const stored = tokenCache.get(id, Date.now()) ?? (await readToken(db, id));
    const hash = await sha256Hex(bearer);
    if (!stored || !timingSafeEqual(encoder.encode(stored.hash), encoder.encode(hash))) return null;
    const now = Date.now();
    if (stored.expiresAt !== null && Date.parse(stored.expiresAt) <= now) return null;
    const staleBefore = new Date(now - LAST_USED_RESOLUTION_MS).toISOString();
    if (stored.lastUsedAt === null || stored.lastUsedAt < staleBefore) {
      stored.lastUsedAt = new Date(now).toISOString();
      const write = touchToken(db, stored.tokenId, stored.lastUsedAt, staleBefore).catch((err: unknown) =>
        console.warn(`token ${stored.tokenId}: last use not recorded: ${String(err)}`),
      );
      if (defer) defer(write);
      else await write;
    }
    return {
      tokenId: stored.tokenId,
      role: stored.role as Role,
      tenant: stored.tenant,
      hypervisor: stored.hypervisor,
    };
  }
  const admin = env.ADMIN_TOKEN;
  if (admin && (await secretsEqual(bearer, admin))) return ADMIN;
  return null;
}

/** Hono's `executionCtx` getter throws where there is none (app.fetch without a context). */
function deferOf(c: Context<AppEnv>): Defer | undefined {
  try {
    const ctx = c.executionCtx;
    return (work) => ctx.waitUntil(work);
  } catch {
    return undefined;
  }
}

/** Inventory deliveries carry a signature instead of a token (SPEC §7); their route checks it. */
const SIGNED_ROUTES = /^\/v1\/webhooks\//;

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  if (SIGNED_ROUTES.test(c.req.path)) {
    c.set('db', openDb(c.env.DB));
    return next();
  }
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
  const principal = match ? await principalFor(c.env, match[1]!, deferOf(c)) : null;
  if (!principal) throw unauthorized();
  c.set('principal', principal);
  c.set('db', openDb(c.env.DB));
  await next();
});
