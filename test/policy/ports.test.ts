import { describe, expect, it } from 'vitest';
import { BUILTIN_SERVICES, serviceCatalogue } from '../../src/policy/builtin-services.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import { parsePorts } from '../../src/policy/ports.js';
import { parseProtocol } from '../../src/policy/protocols.js';
import { toServiceMatch } from '../../src/policy/service-entry.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as PolicyError).code;
  }
  return undefined;
};

describe('parsePorts', () => {
  it('parses, sorts and merges ports and ranges', () => {
    expect(parsePorts('443, 80,8000-8080,8080-8090,81')).toEqual([80, 81, 443, 443, 8000, 8090]);
    expect(parsePorts(22)).toEqual([22, 22]);
    expect(parsePorts([53, '5353', '1-2'])).toEqual([1, 2, 53, 53, 5353, 5353]);
    expect(parsePorts(undefined)).toEqual([]);
    expect(parsePorts('')).toEqual([]);
  });

  it('rejects garbage and out-of-range values', () => {
    for (const bad of ['65536', '80-70', 'http', '80,,81', '1-2-3', -1, 1.5, [null]]) {
      expect(
        codeOf(() => parsePorts(bad as never)),
        String(bad),
      ).toBe('invalid-ports');
    }
  });
});

describe('services', () => {
  it('parses protocols', () => {
    expect(['tcp', 'UDP', 'icmp', 'icmpv6', 'any', 47, '132'].map((p) => parseProtocol(p))).toEqual([
      6, 17, 1, 58, -1, 47, 132,
    ]);
    expect(codeOf(() => parseProtocol(256))).toBe('invalid-protocol');
    expect(codeOf(() => parseProtocol('ftp'))).toBe('invalid-protocol');
  });

  it('validates entries', () => {
    expect(toServiceMatch({ proto: 'icmpv6', icmpType: 128 })).toEqual({
      proto: 58,
      sport: [128, 128],
      dport: [],
    });
    expect(codeOf(() => toServiceMatch({ proto: 'icmp', ports: '80' }))).toBe('invalid-service');
    expect(codeOf(() => toServiceMatch({ proto: 'tcp', icmpType: 8 }))).toBe('invalid-service');
    expect(codeOf(() => toServiceMatch({ proto: 'icmp', icmpType: 300 }))).toBe('invalid-service');
  });

  it('has a valid built-in catalogue that tenants can override', () => {
    for (const service of Object.values(BUILTIN_SERVICES)) service.entries.forEach((e) => toServiceMatch(e));
    expect(Object.keys(BUILTIN_SERVICES).length).toBeGreaterThanOrEqual(12);
    const catalogue = serviceCatalogue([{ id: 'ssh', entries: [{ proto: 'tcp', ports: '2222' }] }]);
    expect(catalogue.get('ssh')!.entries[0]!.ports).toBe('2222');
    expect(catalogue.get('https')).toBe(BUILTIN_SERVICES.https);
  });
});
