/** What omniwall does with a vCenter event class; classes not listed are ignored. */
export type VcenterEffect = 'migrate' | 'delete' | 'power-on';

const EFFECTS: Readonly<Record<string, VcenterEffect>> = {
  VmMigratedEvent: 'migrate',
  DrsVmMigratedEvent: 'migrate',
  VmRelocatedEvent: 'migrate',
  VmRemovedEvent: 'delete',
  VmPoweredOnEvent: 'power-on',
  // vSphere's subclass of VmPoweredOnEvent, sent when DRS picks the host at power-on
  DrsVmPoweredOnEvent: 'power-on',
};

export function effectOf(eventClass: string): VcenterEffect | undefined {
  return Object.hasOwn(EFFECTS, eventClass) ? EFFECTS[eventClass] : undefined;
}
