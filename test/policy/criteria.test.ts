import { describe, expect, it } from 'vitest';
import { evaluateCriteria, validateCriteria } from '../../src/policy/criteria.js';
import { PolicyError } from '../../src/policy/policy-error.js';
import type { Criteria, Workload } from '../../src/policy/types.js';
import { WorkloadIndex } from '../../src/policy/workload-index.js';

const web: Workload = {
  id: 'w1',
  name: 'web-01',
  hypervisor: 'hv-1',
  vnics: [],
  os: 'ubuntu-22.04',
  user: 'alice',
  tags: ['tier=web', 'pci', 'env=prod'],
  attributes: { compliance: 'pci', av: 'clean' },
};
const db: Workload = {
  id: 'w2',
  name: 'db-01',
  hypervisor: 'hv-2',
  vnics: [],
  tags: ['tier=db', 'tier'],
  attributes: {},
};

const matches = (expr: Criteria, w: Workload = web) => evaluateCriteria(expr, w);

describe('evaluateCriteria', () => {
  it('compares scalar fields', () => {
    expect(matches({ field: 'name', op: 'equals', value: 'web-01' })).toBe(true);
    expect(matches({ field: 'name', op: 'startsWith', value: 'web-' })).toBe(true);
    expect(matches({ field: 'os', op: 'endsWith', value: '22.04' })).toBe(true);
    expect(matches({ field: 'user', op: 'contains', value: 'lic' })).toBe(true);
    expect(matches({ field: 'hypervisor', op: 'in', value: ['hv-2', 'hv-1'] })).toBe(true);
    expect(matches({ field: 'hypervisor', op: 'notEquals', value: 'hv-1' })).toBe(false);
  });

  it('treats absent fields as not equal and not existing', () => {
    expect(matches({ field: 'os', op: 'notEquals', value: 'windows' }, db)).toBe(true);
    expect(matches({ field: 'os', op: 'exists' }, db)).toBe(false);
    expect(matches({ field: 'os', op: 'notExists' }, db)).toBe(true);
    expect(matches({ field: 'os', op: 'startsWith', value: '' }, db)).toBe(false);
  });

  it('matches attributes by key', () => {
    expect(matches({ field: 'attributes.compliance', op: 'equals', value: 'pci' })).toBe(true);
    expect(matches({ field: 'attributes.av', op: 'exists' })).toBe(true);
    expect(matches({ field: 'attributes.av', op: 'exists' }, db)).toBe(false);
    expect(matches({ field: 'attributes.toString', op: 'exists' }, db)).toBe(false);
  });

  it('matches tags: equals is exact, exists is by key', () => {
    expect(matches({ field: 'tag', op: 'equals', value: 'tier=web' })).toBe(true);
    expect(matches({ field: 'tag', op: 'equals', value: 'tier' })).toBe(false);
    expect(matches({ field: 'tag', op: 'equals', value: 'tier' }, db)).toBe(true);
    expect(matches({ field: 'tag', op: 'equals', value: 'pci' })).toBe(true);
    expect(matches({ field: 'tag', op: 'exists', value: 'tier' })).toBe(true);
    expect(matches({ field: 'tag', op: 'exists', value: 'ti' })).toBe(false);
    expect(matches({ field: 'tag', op: 'notExists', value: 'env' }, db)).toBe(true);
    expect(matches({ field: 'tag', op: 'notEquals', value: 'tier=db' })).toBe(true);
    expect(matches({ field: 'tag', op: 'startsWith', value: 'env=' })).toBe(true);
    expect(matches({ field: 'tag', op: 'in', value: ['tier=db', 'pci'] })).toBe(true);
  });

  it('combines with all / any / not', () => {
    const prodWeb: Criteria = {
      all: [
        { field: 'tag', op: 'equals', value: 'tier=web' },
        { not: { field: 'attributes.av', op: 'equals', value: 'infected' } },
        {
          any: [
            { field: 'tag', op: 'equals', value: 'env=prod' },
            { field: 'name', op: 'startsWith', value: 'x' },
          ],
        },
      ],
    };
    expect(matches(prodWeb)).toBe(true);
    expect(matches(prodWeb, db)).toBe(false);
  });
});

describe('WorkloadIndex', () => {
  it('agrees with evaluateCriteria', () => {
    const workloads = [web, db, { ...db, id: 'w3', name: 'web-02', tags: ['tier=web'], os: 'windows' }];
    const index = new WorkloadIndex(workloads);
    const cases: Criteria[] = [
      { field: 'tag', op: 'exists', value: 'tier' },
      { field: 'tag', op: 'equals', value: 'tier' },
      { field: 'os', op: 'notEquals', value: 'windows' },
      { field: 'os', op: 'exists' },
      { field: 'name', op: 'startsWith', value: 'web' },
      { not: { field: 'tag', op: 'contains', value: 'web' } },
      { all: [{ not: { field: 'os', op: 'exists' } }] },
      {
        any: [
          { field: 'attributes.av', op: 'in', value: ['clean'] },
          { field: 'user', op: 'notExists' },
        ],
      },
    ];
    for (const expr of cases) {
      const expected = workloads.flatMap((w, i) => (evaluateCriteria(expr, w) ? [i] : []));
      expect([...index.match(expr)], JSON.stringify(expr)).toEqual(expected);
    }
  });
});

describe('validateCriteria', () => {
  const pathOf = (expr: unknown): string | undefined => {
    try {
      validateCriteria(expr);
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).code).toBe('invalid-criteria');
      return (e as PolicyError).details.path as string;
    }
  };

  it('accepts valid expressions', () => {
    expect(
      pathOf({
        all: [
          { field: 'tag', op: 'exists', value: 'tier' },
          { not: { field: 'attributes.av', op: 'in', value: ['infected'] } },
          { field: 'os', op: 'notExists' },
        ],
      }),
    ).toBeUndefined();
  });

  it('names the path of the bad node', () => {
    expect(
      pathOf({
        all: [
          { field: 'name', op: 'equals', value: 'a' },
          { field: 'color', op: 'equals' },
        ],
      }),
    ).toBe('$.all[1]');
    expect(pathOf({ any: [{ not: { field: 'name', op: 'like', value: 'x' } }] })).toBe('$.any[0].not');
    expect(pathOf({ all: [] })).toBe('$');
    expect(pathOf({ field: 'tag', op: 'in', value: 'x' })).toBe('$');
    expect(pathOf({ field: 'os', op: 'exists', value: 'x' })).toBe('$');
    expect(pathOf({ field: 'tag', op: 'exists', value: 'k=v' })).toBe('$');
    expect(pathOf({ field: 'attributes.', op: 'exists' })).toBe('$');
    expect(pathOf({ field: 'name', op: 'equals', value: 'a', extra: 1 })).toBe('$');
    expect(pathOf({ all: [{ field: 'name', op: 'equals', value: 'a' }], not: {} })).toBe('$');
    expect(pathOf(null)).toBe('$');
  });
});
