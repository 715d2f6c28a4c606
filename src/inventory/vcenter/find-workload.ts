import { describeRef } from './resolve-hypervisor.js';
import type { VcenterLookup, VcenterObjectRef, VcenterWorkload } from './types.js';

export const VCENTER_VM_ATTRIBUTE = 'vcenter.vm';

export type WorkloadMatch =
  | { kind: 'found'; workload: VcenterWorkload }
  | { kind: 'none'; reason: string }
  | { kind: 'ambiguous'; reason: string };

/**
 * The workload a vCenter VM is: the one whose `attributes["vcenter.vm"]` is the VM's moref, else the one
 * named like the VM among workloads bound to no moref (a workload bound to another VM is another VM, even
 * when the names agree). Two candidates is ambiguous: omniwall never guesses which one to move or delete.
 */
export function findWorkload(vm: VcenterObjectRef, lookup: VcenterLookup): WorkloadMatch {
  if (vm.moref !== undefined) {
    const byVm = lookup.workloadsByVm(vm.moref);
    if (byVm.length === 1) return { kind: 'found', workload: byVm[0]! };
    if (byVm.length > 1)
      return {
        kind: 'ambiguous',
        reason: `workloads ${list(byVm)} all have attributes["${VCENTER_VM_ATTRIBUTE}"] = "${vm.moref}"`,
      };
  }
  if (vm.name !== undefined) {
    const byName = lookup
      .workloadsByName(vm.name)
      .filter((w) => !Object.hasOwn(w.attributes, VCENTER_VM_ATTRIBUTE));
    if (byName.length === 1) return { kind: 'found', workload: byName[0]! };
    if (byName.length > 1)
      return {
        kind: 'ambiguous',
        reason: `workloads ${list(byName)} are all named "${vm.name}"; set attributes["${VCENTER_VM_ATTRIBUTE}"] on the right one`,
      };
  }
  return { kind: 'none', reason: `no workload is VM ${describeRef(vm)}` };
}

function list(workloads: readonly VcenterWorkload[]): string {
  return workloads.map((w) => `"${w.id}"`).join(', ');
}

/** A lookup over workloads in memory, for callers that load the tenant's workloads anyway. */
export function indexWorkloadsForVcenter(
  workloads: Iterable<VcenterWorkload>,
): Pick<VcenterLookup, 'workloadsByVm' | 'workloadsByName'> {
  const byVm = new Map<string, VcenterWorkload[]>();
  const byName = new Map<string, VcenterWorkload[]>();
  const add = (map: Map<string, VcenterWorkload[]>, key: string, w: VcenterWorkload) => {
    const bucket = map.get(key);
    if (bucket) bucket.push(w);
    else map.set(key, [w]);
  };
  for (const w of workloads) {
    const moref = Object.hasOwn(w.attributes, VCENTER_VM_ATTRIBUTE)
      ? w.attributes[VCENTER_VM_ATTRIBUTE]
      : undefined;
    if (moref !== undefined) add(byVm, moref, w);
    add(byName, w.name, w);
  }
  return {
    workloadsByVm: (moref) => byVm.get(moref) ?? [],
    workloadsByName: (name) => byName.get(name) ?? [],
  };
}
