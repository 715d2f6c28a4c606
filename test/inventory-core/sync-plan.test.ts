import { describe, expect, it } from 'vitest';
import { invalidSyncBody, planSync, type OwnedWorkload } from '../../src/inventory/sync/plan-sync.js';
import type { Workload } from '../../src/policy/types.js';

const wl = (id: string, hypervisor = 'hv-1', extra: Partial<Workload> = {}): Workload => ({
  id,
  name: id,
  hypervisor,
  vnics: [{ id: `${id}-eth0`, ips: ['10.0.0.1'] }],
  tags: [],
  attributes: {},
  ...extra,
});
const owned = (w: Workload, source: string | null): OwnedWorkload => ({ workload: w, source });

describe('planSync', () => {
  it('creates everything from empty, in id order', () => {
    const plan = planSync('nb', [], [wl('b'), wl('a')]);
    expect(plan.created).toEqual(['a', 'b']);
    expect(plan.writes.map((w) => w.id)).toEqual(['a', 'b']);
    expect(plan).toMatchObject({ updated: [], moved: [], deleted: [], unchanged: 0, conflicts: [] });
  });

  it('updates, moves, deletes and leaves equal workloads alone', () => {
    const current = [
      owned(wl('same'), 'nb'),
      owned(wl('tagged'), 'nb'),
      owned(wl('moving'), 'nb'),
      owned(wl('gone'), 'nb'),
    ];
    const plan = planSync('nb', current, [
      wl('same'),
      wl('tagged', 'hv-1', { tags: ['tier=web'] }),
      wl('moving', 'hv-2', { tags: ['x'] }),
      wl('new'),
    ]);
    expect(plan.created).toEqual(['new']);
    expect(plan.updated).toEqual(['tagged']);
    expect(plan.moved).toEqual([{ id: 'moving', from: 'hv-1', to: 'hv-2' }]);
    expect(plan.deleted).toEqual(['gone']);
    expect(plan.unchanged).toBe(1);
    expect(plan.writes.map((w) => w.id)).toEqual(['moving', 'new', 'tagged']);
  });

  it('never deletes what the API or another source wrote', () => {
    const plan = planSync('nb', [owned(wl('api'), null), owned(wl('vc'), 'vcenter')], []);
    expect(plan.deleted).toEqual([]);
    expect(plan.writes).toEqual([]);
  });

  it('reports a desired workload owned elsewhere as a conflict naming its owner', () => {
    const plan = planSync('nb', [owned(wl('api'), null), owned(wl('vc'), 'vcenter')], [wl('api'), wl('vc')]);
    expect(plan.conflicts).toEqual([
      { kind: 'workload', id: 'api', owner: null },
      { kind: 'workload', id: 'vc', owner: 'vcenter' },
    ]);
  });

  it('reports a vNIC held by a workload of another owner', () => {
    const current = [owned(wl('api'), null)];
    const plan = planSync('nb', current, [wl('mine', 'hv-1', { vnics: [{ id: 'api-eth0', ips: [] }] })]);
    expect(plan.conflicts).toEqual([{ kind: 'vnic', id: 'api-eth0', workload: 'api', owner: null }]);
  });

  it('lets a vNIC pass between workloads of the same source', () => {
    const current = [owned(wl('old'), 'nb')];
    const plan = planSync('nb', current, [wl('new', 'hv-1', { vnics: [{ id: 'old-eth0', ips: [] }] })]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.created).toEqual(['new']);
    expect(plan.deleted).toEqual(['old']);
  });
});

describe('invalidSyncBody', () => {
  it('finds a workload listed twice', () => {
    expect(invalidSyncBody([wl('a'), wl('b'), { ...wl('a'), vnics: [] }])).toEqual({
      kind: 'duplicate-workload',
      id: 'a',
      index: 2,
    });
  });

  it('finds a vNIC given to two workloads', () => {
    expect(invalidSyncBody([wl('a'), wl('b', 'hv-1', { vnics: [{ id: 'a-eth0', ips: [] }] })])).toEqual({
      kind: 'duplicate-vnic',
      id: 'a-eth0',
      workload: 'b',
      index: 1,
      other: 'a',
    });
  });

  it('accepts distinct ids', () => {
    expect(invalidSyncBody([wl('a'), wl('b')])).toBeNull();
  });
});
