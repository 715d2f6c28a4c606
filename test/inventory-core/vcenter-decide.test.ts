import { describe, expect, it } from 'vitest';
import {
  decideVcenterAction,
  indexWorkloadsForVcenter,
  parseVcenterDelivery,
  type VcenterDelivery,
  type VcenterEvent,
  type VcenterLookup,
  type VcenterWorkload,
} from '../../src/inventory/vcenter/index.js';
import { binaryDelivery, structuredDelivery, variant, vcenterFile } from './vcenter-fixtures.js';

const MIGRATED = 'veba-VmMigratedEvent.cloudevent.json';
const POWERED_ON = 'veba-VmPoweredOnEvent.cloudevent.json';
const REMOVED = 'veba-VmRemovedEvent.cloudevent.json';
const LEGACY = 'legacy-event-router-VmPoweredOffEvent.cloudevent.json';

function event(delivery: VcenterDelivery): VcenterEvent {
  const result = parseVcenterDelivery(delivery);
  if (!result.ok) throw new Error(result.error.message);
  return result.event;
}
const stored = (file: string) => event(structuredDelivery(vcenterFile(file)));

const workload = (id: string, name: string, hypervisor: string, vm?: string): VcenterWorkload => ({
  id,
  name,
  hypervisor,
  attributes: vm ? { 'vcenter.vm': vm, owner: 'x' } : { owner: 'x' },
});

const hypervisorIds = new Set(['hv-1', 'hv-2', 'esx01.mydomain.com', 'host-11']);
function lookup(workloads: VcenterWorkload[], hypervisors: Record<string, string> = {}): VcenterLookup {
  return {
    ...indexWorkloadsForVcenter(workloads),
    hypervisors: {
      '192.168.30.100': 'hv-2', // the VmMigratedEvent destination, by name
      'host-15150': 'hv-1', // its source, by moref
      ...hypervisors,
    },
    hypervisorExists: (id) => hypervisorIds.has(id),
  };
}

describe('migrations: VmMigratedEvent, DrsVmMigratedEvent, VmRelocatedEvent', () => {
  const testVm = workload('test-vm', 'TestVM-01', 'hv-1', 'vm-15161');

  it('moves the workload to the mapped destination, in structured and binary mode alike', () => {
    const expected = {
      kind: 'migrate',
      workload: 'test-vm',
      from: 'hv-1',
      to: 'hv-2',
      reason: 'VmMigratedEvent to hypervisor "hv-2"',
    };
    expect(decideVcenterAction(stored(MIGRATED), lookup([testVm]))).toEqual(expected);
    const binary = event(binaryDelivery(vcenterFile(MIGRATED)));
    expect(decideVcenterAction(binary, lookup([testVm]))).toEqual(expected);
  });

  for (const eventClass of ['DrsVmMigratedEvent', 'VmRelocatedEvent'])
    it(`${eventClass} moves it too`, () => {
      const decision = decideVcenterAction(
        event(structuredDelivery(variant(MIGRATED, eventClass))),
        lookup([testVm]),
      );
      expect(decision).toMatchObject({ kind: 'migrate', workload: 'test-vm', to: 'hv-2' });
    });

  it('finds the VM by moref before its name, and by name only among workloads bound to no VM', () => {
    const renamed = workload('renamed', 'old-name', 'hv-1', 'vm-15161');
    const namesake = workload('namesake', 'TestVM-01', 'hv-1');
    expect(decideVcenterAction(stored(MIGRATED), lookup([namesake, renamed]))).toMatchObject({
      workload: 'renamed',
    });
    expect(decideVcenterAction(stored(MIGRATED), lookup([namesake]))).toMatchObject({ workload: 'namesake' });
    const boundElsewhere = workload('other', 'TestVM-01', 'hv-1', 'vm-999');
    expect(decideVcenterAction(stored(MIGRATED), lookup([boundElsewhere]))).toMatchObject({
      kind: 'ignored',
      code: 'no-workload',
    });
  });

  it('finds a VM the event names by name only', () => {
    const byName = event(
      structuredDelivery(variant(MIGRATED, 'VmMigratedEvent', (d) => (d.Vm = { Name: 'TestVM-01' }))),
    );
    expect(decideVcenterAction(byName, lookup([workload('w', 'TestVM-01', 'hv-1')]))).toMatchObject({
      kind: 'migrate',
      workload: 'w',
    });
  });

  it('ignores a VM that is no workload', () => {
    expect(decideVcenterAction(stored(MIGRATED), lookup([workload('w', 'other', 'hv-1', 'vm-1')]))).toEqual({
      kind: 'ignored',
      code: 'no-workload',
      reason: 'no workload is VM "TestVM-01" (vm-15161)',
    });
  });

  it('rejects a VM two workloads claim, by moref or by name', () => {
    const twins = [workload('a', 'x', 'hv-1', 'vm-15161'), workload('b', 'y', 'hv-1', 'vm-15161')];
    expect(decideVcenterAction(stored(MIGRATED), lookup(twins))).toMatchObject({
      kind: 'rejected',
      code: 'ambiguous-workload',
    });
    const namesakes = [workload('a', 'TestVM-01', 'hv-1'), workload('b', 'TestVM-01', 'hv-2')];
    expect(decideVcenterAction(stored(MIGRATED), lookup(namesakes))).toMatchObject({
      kind: 'rejected',
      code: 'ambiguous-workload',
    });
  });

  it('maps the host by moref when its name is not mapped, and takes an unmapped host as a hypervisor id', () => {
    const byMoref: VcenterLookup = {
      ...lookup([testVm]),
      hypervisors: { 'host-15147': 'hv-2' },
    };
    expect(decideVcenterAction(stored(MIGRATED), byMoref)).toMatchObject({ kind: 'migrate', to: 'hv-2' });
    const moved = event(
      structuredDelivery(
        variant(
          MIGRATED,
          'VmMigratedEvent',
          (d) => (d.Host = { Name: 'esx-new', Host: { Value: 'host-11' } }),
        ),
      ),
    );
    expect(decideVcenterAction(moved, lookup([testVm]))).toMatchObject({ kind: 'migrate', to: 'host-11' });
  });

  it('rejects an unmappable destination as unknown-hypervisor', () => {
    const unmapped = event(
      structuredDelivery(
        variant(MIGRATED, 'VmMigratedEvent', (d) => (d.Host = { Name: 'esx-9', Host: { Value: 'host-9' } })),
      ),
    );
    expect(decideVcenterAction(unmapped, lookup([testVm]))).toEqual({
      kind: 'rejected',
      code: 'unknown-hypervisor',
      reason: 'host "esx-9" (host-9) is not in the source\'s hypervisors map and is no hypervisor id',
    });
    expect(decideVcenterAction(stored(MIGRATED), lookup([testVm], { '192.168.30.100': 'hv-gone' }))).toEqual({
      kind: 'rejected',
      code: 'unknown-hypervisor',
      reason: 'host "192.168.30.100" is mapped to hypervisor "hv-gone", which does not exist',
    });
  });

  it('does not take prototype members of the map for hosts', () => {
    const named = (name: string) =>
      event(structuredDelivery(variant(MIGRATED, 'VmMigratedEvent', (d) => (d.Host = { Name: name }))));
    for (const name of ['constructor', '__proto__', 'toString'])
      expect(decideVcenterAction(named(name), lookup([testVm]))).toMatchObject({
        code: 'unknown-hypervisor',
      });
  });

  it('ignores a move to where the workload already is (a storage vMotion, a redelivery after the move)', () => {
    expect(decideVcenterAction(stored(MIGRATED), lookup([{ ...testVm, hypervisor: 'hv-2' }]))).toEqual({
      kind: 'ignored',
      code: 'already-there',
      reason: 'workload "test-vm" is already on hypervisor "hv-2"',
    });
  });
});

describe('VmRemovedEvent', () => {
  it('deletes the workload, found by moref or by name', () => {
    const expected = { kind: 'delete', workload: 'foo', reason: 'VmRemovedEvent: VM removed from vCenter' };
    expect(decideVcenterAction(stored(REMOVED), lookup([workload('foo', 'x', 'hv-1', 'vm-10838')]))).toEqual(
      expected,
    );
    expect(decideVcenterAction(stored(REMOVED), lookup([workload('foo', 'FooBar', 'hv-1')]))).toEqual(
      expected,
    );
    const binary = event(binaryDelivery(vcenterFile(REMOVED)));
    expect(decideVcenterAction(binary, lookup([workload('foo', 'FooBar', 'hv-1')]))).toEqual(expected);
  });

  it('needs no mapped host', () => {
    const decision = decideVcenterAction(stored(REMOVED), {
      ...lookup([workload('foo', 'FooBar', 'hv-1')]),
      hypervisorExists: () => false,
    });
    expect(decision.kind).toBe('delete');
  });

  it('ignores a VM that is no workload', () => {
    expect(decideVcenterAction(stored(REMOVED), lookup([workload('w', 'other', 'hv-1')]))).toMatchObject({
      kind: 'ignored',
      code: 'no-workload',
    });
  });
});

describe('VmPoweredOnEvent', () => {
  const vm1 = (hypervisor: string) => workload('vm1', 'vm1', hypervisor, 'vm-81');

  it('on another host than the inventory says migrates the workload there', () => {
    // esx01.mydomain.com is not in the map but is a hypervisor id
    expect(decideVcenterAction(stored(POWERED_ON), lookup([vm1('hv-1')]))).toEqual({
      kind: 'migrate',
      workload: 'vm1',
      from: 'hv-1',
      to: 'esx01.mydomain.com',
      reason: 'VmPoweredOnEvent on hypervisor "esx01.mydomain.com", inventory says "hv-1"',
    });
    // the map, here by moref, wins over a hypervisor named like the host
    const binary = event(binaryDelivery(vcenterFile(POWERED_ON)));
    expect(decideVcenterAction(binary, lookup([vm1('hv-1')], { 'host-15': 'hv-2' }))).toMatchObject({
      kind: 'migrate',
      to: 'hv-2',
    });
  });

  it('on the host the inventory says is ignored', () => {
    expect(decideVcenterAction(stored(POWERED_ON), lookup([vm1('esx01.mydomain.com')]))).toMatchObject({
      kind: 'ignored',
      code: 'already-there',
    });
    expect(
      decideVcenterAction(stored(POWERED_ON), lookup([vm1('hv-2')], { 'esx01.mydomain.com': 'hv-2' })),
    ).toMatchObject({
      kind: 'ignored',
      code: 'already-there',
    });
  });

  it('DRS power-on counts as power-on', () => {
    const drs = event(structuredDelivery(variant(POWERED_ON, 'DrsVmPoweredOnEvent')));
    expect(decideVcenterAction(drs, lookup([vm1('hv-1')]))).toMatchObject({ kind: 'migrate' });
  });

  it('on an unmappable host is rejected', () => {
    const off = event(
      structuredDelivery(variant(POWERED_ON, 'VmPoweredOnEvent', (d) => (d.Host = { Name: 'esx-9' }))),
    );
    expect(decideVcenterAction(off, lookup([vm1('hv-1')]))).toMatchObject({
      kind: 'rejected',
      code: 'unknown-hypervisor',
    });
  });
});

describe('every other event', () => {
  it('is ignored, the legacy VmPoweredOffEvent in both modes among them', () => {
    const known = lookup([workload('t', 'test-01', 'hv-1', 'vm-56')]);
    const expected = {
      kind: 'ignored',
      code: 'event-not-handled',
      reason: 'VmPoweredOffEvent changes nothing',
    };
    expect(decideVcenterAction(stored(LEGACY), known)).toEqual(expected);
    expect(decideVcenterAction(event(binaryDelivery(vcenterFile(LEGACY))), known)).toEqual(expected);
    for (const eventClass of [
      'VmReconfiguredEvent',
      'VmBeingHotMigratedEvent',
      'VmCreatedEvent',
      'UserLoginSessionEvent',
    ])
      expect(
        decideVcenterAction(event(structuredDelivery(variant(MIGRATED, eventClass))), known),
      ).toMatchObject({
        kind: 'ignored',
        code: 'event-not-handled',
      });
  });
});

describe('an event built by hand without the VM or host the parser requires', () => {
  it('is ignored as incomplete, not thrown on', () => {
    const known = lookup([workload('test-vm', 'TestVM-01', 'hv-1', 'vm-15161')]);
    for (const missing of [{ vm: undefined }, { host: undefined }])
      expect(decideVcenterAction({ ...stored(MIGRATED), ...missing }, known)).toMatchObject({
        kind: 'ignored',
        code: 'incomplete-event',
      });
  });
});
