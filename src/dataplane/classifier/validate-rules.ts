import type { AddressMatch, ServiceMatch } from '../../compiler/types.js';
import { ClassifierError } from './classifier-error.js';
import type { ClassifierRule } from './types.js';

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null;
}

function checkAddressMatch(m: unknown, rule: number, side: string): asserts m is AddressMatch {
  if (!isObject(m) || typeof m.any !== 'boolean' || typeof m.negate !== 'boolean' || !isObject(m.set)) {
    throw new ClassifierError('invalid-rule', `rule ${rule} ${side}: expected { any, negate, set }`);
  }
  if (!Array.isArray(m.set.v4) || !Array.isArray(m.set.v6)) {
    throw new ClassifierError('invalid-address-set', `rule ${rule} ${side}: set needs v4 and v6 arrays`);
  }
}

function checkService(s: unknown, rule: number, entry: number): asserts s is ServiceMatch {
  if (!isObject(s) || !Array.isArray(s.sport) || !Array.isArray(s.dport)) {
    throw new ClassifierError(
      'invalid-service',
      `rule ${rule} service ${entry}: expected { proto, sport, dport }`,
    );
  }
  if (!Number.isInteger(s.proto) || (s.proto as number) < -1 || (s.proto as number) > 255) {
    throw new ClassifierError(
      'invalid-service',
      `rule ${rule} service ${entry}: proto must be an integer in -1..255`,
    );
  }
}

/** Structural checks; range contents are validated where they are normalized. */
export function validateRules(rules: readonly ClassifierRule[]): void {
  if (!Array.isArray(rules)) throw new ClassifierError('invalid-rule', 'rules must be an array');
  rules.forEach((rule: unknown, i) => {
    if (!isObject(rule) || !Array.isArray(rule.services)) {
      throw new ClassifierError('invalid-rule', `rule ${i}: expected { src, dst, services }`);
    }
    checkAddressMatch(rule.src, i, 'src');
    checkAddressMatch(rule.dst, i, 'dst');
    rule.services.forEach((s: unknown, j) => checkService(s, i, j));
  });
}
