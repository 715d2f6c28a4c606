import { describe, expect, it } from 'vitest';
import { type AppBundle, diffApp, isEmptyDiff } from '../../src/policy/app-diff.js';
import { canonicalJson } from '../../src/policy/canonical-json.js';
import type { Group, Policy, Service } from '../../src/policy/types.js';

const members = { workloads: [], vnics: [], cidrs: ['10.0.0.0/8'], groups: [] };
const web: Group = {
  id: 'web',
  app: 'shop',
  members,
  criteria: { field: 'tag', op: 'equals', value: 'web' },
};
const api: Service = { id: 'api', app: 'shop', entries: [{ proto: 'tcp', ports: '8443' }] };
const policy: Policy = {
  id: 'shop',
  app: 'shop',
  category: 'application',
  priority: 10,
  stateful: true,
  tcpStrict: false,
  appliedTo: ['web'],
  rules: [],
};

const strip = <T extends { id: string }>({ id: _id, ...rest }: T) => rest;

describe('diffApp', () => {
  it('reports everything unchanged for the same objects, whatever the key order', () => {
    const desired: AppBundle = {
      groups: {
        web: {
          criteria: web.criteria,
          members: { groups: [], cidrs: ['10.0.0.0/8'], vnics: [], workloads: [] },
        },
      },
      services: { api: strip(api) },
      policies: { shop: strip(policy) },
    };
    const diff = diffApp({ groups: [web], services: [api], policies: [policy] }, desired);
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff.unchanged).toEqual([
      { kind: 'group', id: 'web' },
      { kind: 'service', id: 'api' },
      { kind: 'policy', id: 'shop' },
    ]);
  });

  it('reports created, updated and deleted objects', () => {
    const desired: AppBundle = {
      groups: { web: strip(web), db: { members } },
      services: {},
      policies: { shop: { ...strip(policy), priority: 20 } },
    };
    const diff = diffApp({ groups: [web], services: [api], policies: [policy] }, desired);
    expect(diff).toEqual({
      created: [{ kind: 'group', id: 'db' }],
      updated: [{ kind: 'policy', id: 'shop' }],
      deleted: [{ kind: 'service', id: 'api' }],
      unchanged: [{ kind: 'group', id: 'web' }],
    });
  });

  it('creates everything for a new app and deletes everything for an empty bundle', () => {
    const bundle: AppBundle = { groups: { web: strip(web) }, services: { api: strip(api) }, policies: {} };
    expect(diffApp({ groups: [], services: [], policies: [] }, bundle).created).toHaveLength(2);
    const empty: AppBundle = { groups: {}, services: {}, policies: {} };
    expect(diffApp({ groups: [web], services: [api], policies: [policy] }, empty).deleted).toHaveLength(3);
  });
});

describe('canonicalJson', () => {
  it('sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }], e: null })).toBe(
      '{"a":[{"c":"x"}],"b":1,"e":null}',
    );
  });
});
