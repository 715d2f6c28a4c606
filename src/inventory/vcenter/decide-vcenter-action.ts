import { effectOf } from './event-classes.js';
import { findWorkload } from './find-workload.js';
import { resolveHypervisor } from './resolve-hypervisor.js';
import type { VcenterDecision, VcenterEvent, VcenterLookup } from './types.js';

/**
 * What one vCenter event does to the inventory (SPEC §7): `VmMigratedEvent`, `DrsVmMigratedEvent` and
 * `VmRelocatedEvent` migrate the workload to the host in `Host`; `VmRemovedEvent` deletes it;
 * `VmPoweredOnEvent` (and DRS's subclass) migrates it when it powered on elsewhere than the inventory says.
 * Everything else, a VM that is no workload and a move to where the workload already is are `ignored`;
 * a destination that is no hypervisor, or a VM that two workloads claim, is `rejected` (fix, then replay).
 */
export function decideVcenterAction(event: VcenterEvent, lookup: VcenterLookup): VcenterDecision {
  const effect = effectOf(event.eventClass);
  if (!effect)
    return { kind: 'ignored', code: 'event-not-handled', reason: `${event.eventClass} changes nothing` };
  if (!event.vm)
    return { kind: 'ignored', code: 'incomplete-event', reason: `${event.eventClass} names no VM` };
  const match = findWorkload(event.vm, lookup);
  if (match.kind === 'none') return { kind: 'ignored', code: 'no-workload', reason: match.reason };
  if (match.kind === 'ambiguous')
    return { kind: 'rejected', code: 'ambiguous-workload', reason: match.reason };
  const workload = match.workload;
  if (effect === 'delete')
    return { kind: 'delete', workload: workload.id, reason: `${event.eventClass}: VM removed from vCenter` };

  if (!event.host)
    return { kind: 'ignored', code: 'incomplete-event', reason: `${event.eventClass} names no host` };
  const destination = resolveHypervisor(event.host, lookup);
  if (!destination.ok) return { kind: 'rejected', code: 'unknown-hypervisor', reason: destination.reason };
  if (destination.hypervisor === workload.hypervisor)
    return {
      kind: 'ignored',
      code: 'already-there',
      reason: `workload "${workload.id}" is already on hypervisor "${workload.hypervisor}"`,
    };
  return {
    kind: 'migrate',
    workload: workload.id,
    from: workload.hypervisor,
    to: destination.hypervisor,
    reason:
      effect === 'power-on'
        ? `${event.eventClass} on hypervisor "${destination.hypervisor}", inventory says "${workload.hypervisor}"`
        : `${event.eventClass} to hypervisor "${destination.hypervisor}"`,
  };
}
