import { describe, expect, it } from 'vitest';
import { TOKEN_CACHE_MS, TokenCache } from '../../src/api/auth/token-cache.js';
import type { StoredToken } from '../../src/store/tokens.js';

const row = (id: string): StoredToken => ({
  tokenId: id,
  role: 'agent',
  tenant: null,
  hypervisor: 'hv-1',
  hash: 'h',
  name: null,
  expiresAt: null,
  lastUsedAt: null,
});

describe('TokenCache', () => {
  it('keeps a row for TOKEN_CACHE_MS and no longer', () => {
    const cache = new TokenCache();
    cache.set('a', row('a'), 1000, cache.epoch);
    expect(cache.get('a', 1000 + TOKEN_CACHE_MS - 1)?.tokenId).toBe('a');
    expect(cache.get('a', 1000 + TOKEN_CACHE_MS)).toBeUndefined();
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('does not trust a clock that went backwards', () => {
    const cache = new TokenCache();
    cache.set('a', row('a'), 5000, cache.epoch);
    expect(cache.get('a', 4000)).toBeUndefined();
  });

  it('refuses a row read before a revocation that finished first', () => {
    const cache = new TokenCache();
    const before = cache.epoch; // a request starts its D1 read
    cache.forget('a'); // the revocation commits and forgets
    cache.set('a', row('a'), 1000, before); // the read returns the row it saw
    expect(cache.get('a', 1001)).toBeUndefined();
  });

  it('forgets the revoked id only', () => {
    const cache = new TokenCache();
    cache.set('a', row('a'), 1000, cache.epoch);
    cache.set('b', row('b'), 1000, cache.epoch);
    cache.forget('a');
    expect(cache.get('a', 1001)).toBeUndefined();
    expect(cache.get('b', 1001)?.tokenId).toBe('b');
  });

  it('stays bounded, dropping the oldest', () => {
    const cache = new TokenCache();
    for (let i = 0; i < 5000; i++) cache.set(`t${i}`, row(`t${i}`), 1000, cache.epoch);
    expect(cache.get('t0', 1001)).toBeUndefined();
    expect(cache.get('t4999', 1001)?.tokenId).toBe('t4999');
  });
});
