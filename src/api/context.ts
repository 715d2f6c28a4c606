import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from '../env.js';
import type { Db } from '../store/db.js';
import type { Principal } from './auth/principal.js';
import { validationFailed } from './errors.js';
import { validationError } from './validation.js';

export interface AppEnv {
  Bindings: Env;
  Variables: { principal: Principal; db: Db };
}

/** A router whose request validation failures answer our 400 error shape. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationError(result.error, result.target), validationFailed);
    },
  });
}
