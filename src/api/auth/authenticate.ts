import { createMiddleware } from 'hono/factory';
import { openDb } from '../../store/db.js';
import { findToken } from '../../store/tokens.js';
import type { AppEnv } from '../context.js';
import { unauthorized } from '../errors.js';
import type { Principal, Role } from './principal.js';
import { secretsEqual, sha256Hex, timingSafeEqual } from './secrets.js';

const ADMIN: Principal = { tokenId: 'admin', role: 'admin', tenant: null, hypervisor: null };
const encoder = new TextEncoder();

/** Issued tokens look like `ow.<id>.<secret>`; anything else can only be the bootstrap admin token. */
export async function principalFor(env: AppEnv['Bindings'], bearer: string): Promise<Principal | null> {
  const parts = bearer.split('.');
  if (parts.length === 3 && parts[0] === 'ow') {
    const stored = await findToken(openDb(env.DB), parts[1]!);
    const hash = await sha256Hex(bearer);
    if (!stored || !timingSafeEqual(encoder.encode(stored.hash), encoder.encode(hash))) return null;
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

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
  const principal = match ? await principalFor(c.env, match[1]!) : null;
  if (!principal) throw unauthorized();
  c.set('principal', principal);
  c.set('db', openDb(c.env.DB));
  await next();
});
