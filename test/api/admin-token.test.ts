import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { principalFor } from '../../src/api/auth/authenticate.js';

describe('bootstrap admin token', () => {
  it('grants admin only for the exact ADMIN_TOKEN, and nothing when it is unset (fail closed)', async () => {
    expect((await principalFor(env, 'test-admin-token'))?.role).toBe('admin');
    expect(await principalFor(env, 'test-admin-token ')).toBeNull();
    expect(await principalFor(env, 'test-admin-tokem')).toBeNull();
    for (const unset of [undefined, '']) {
      const deployed = { ...env, ADMIN_TOKEN: unset };
      expect(await principalFor(deployed, 'test-admin-token')).toBeNull();
      expect(await principalFor(deployed, '')).toBeNull();
    }
  });
});
