import type { CounterColumns } from './rule-counters.js';

/** exportCounters() data: rule names by handle (index) and one counter column per statistic. */
export interface CounterSnapshot extends CounterColumns {
  version: 1;
  /** [tenant, policy, rule id] per handle */
  rules: [string, string, string][];
}

const COLUMNS = ['hits', 'packets', 'bytes', 'sessions'] as const;
/** ms columns, absent in snapshots taken before last hits were kept */
const OPTIONAL_COLUMNS = ['lastHit', 'since'] as const;

/** Checks the shape of persisted counters; throws TypeError naming what is wrong. */
export function readCounterSnapshot(data: unknown): CounterSnapshot {
  if (typeof data !== 'object' || data === null) throw new TypeError('counter snapshot must be an object');
  const d = data as Record<string, unknown>;
  if (d.version !== 1) throw new TypeError(`counter snapshot version ${String(d.version)} is not 1`);
  const rules = d.rules;
  if (!Array.isArray(rules)) throw new TypeError('counter snapshot rules must be an array');
  rules.forEach((r: unknown, i) => {
    if (!Array.isArray(r) || r.length !== 3 || !r.every((s) => typeof s === 'string')) {
      throw new TypeError(`counter snapshot rules[${i}] must be [tenant, policy, rule]`);
    }
  });
  for (const name of [...COLUMNS, ...OPTIONAL_COLUMNS]) {
    const column = d[name];
    if (column === undefined && (OPTIONAL_COLUMNS as readonly string[]).includes(name)) continue;
    if (!Array.isArray(column) || column.length !== rules.length) {
      throw new TypeError(`counter snapshot ${name} must be an array of ${rules.length} numbers`);
    }
    column.forEach((n: unknown, i) => {
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new TypeError(`counter snapshot ${name}[${i}] must be a non-negative number`);
      }
    });
  }
  return data as CounterSnapshot;
}
