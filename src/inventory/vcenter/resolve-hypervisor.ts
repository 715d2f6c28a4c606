import type { VcenterLookup, VcenterObjectRef } from './types.js';

export type HostResolution = { ok: true; hypervisor: string } | { ok: false; reason: string };

/**
 * The hypervisor a vCenter host is: the source's map by host name, then by host moref; a host missing from
 * the map is taken as a hypervisor id (name, then moref) when such a hypervisor exists.
 */
export function resolveHypervisor(
  host: VcenterObjectRef,
  lookup: Pick<VcenterLookup, 'hypervisors' | 'hypervisorExists'>,
): HostResolution {
  const keys = [host.name, host.moref].filter((k): k is string => k !== undefined);
  for (const key of keys) {
    const mapped = Object.hasOwn(lookup.hypervisors, key) ? lookup.hypervisors[key] : undefined;
    if (typeof mapped !== 'string') continue;
    if (lookup.hypervisorExists(mapped)) return { ok: true, hypervisor: mapped };
    return { ok: false, reason: `host "${key}" is mapped to hypervisor "${mapped}", which does not exist` };
  }
  for (const key of keys) if (lookup.hypervisorExists(key)) return { ok: true, hypervisor: key };
  return {
    ok: false,
    reason: `host ${describeRef(host)} is not in the source's hypervisors map and is no hypervisor id`,
  };
}

export function describeRef(ref: VcenterObjectRef): string {
  if (ref.name !== undefined && ref.moref !== undefined) return `"${ref.name}" (${ref.moref})`;
  return `"${ref.name ?? ref.moref}"`;
}
