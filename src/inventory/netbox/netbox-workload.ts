import { canonicalIp } from '../../net/ip.js';
import type { Workload } from '../../policy/types.js';

/** A stored NetBox object, as the mapping needs it. */
export interface StoredNetboxObject {
  id: number;
  parent: number | null;
  data: Record<string, unknown>;
}

export const netboxWorkloadId = (vm: number) => `netbox-vm-${vm}`;
export const netboxVnicId = (iface: number) => `netbox-if-${iface}`;
export const isNetboxWorkloadId = (id: string) => /^netbox-vm-\d+$/.test(id);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (v: unknown): string | undefined =>
  isObject(v) && typeof v.name === 'string' && v.name !== '' ? v.name : undefined;

function statusOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return isObject(v) && typeof v.value === 'string' ? v.value : undefined;
}

/** The host as NetBox names it: the VM's device, else its cluster. */
export function netboxHostOf(vm: StoredNetboxObject): string | null {
  return nameOf(vm.data.device) ?? nameOf(vm.data.cluster) ?? null;
}

function tagsOf(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const slugs = v.map((t) => (isObject(t) ? (t.slug ?? t.name) : t)).filter((t) => typeof t === 'string');
  return [...new Set(slugs as string[])].sort();
}

function attributesOf(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = isObject(data.custom_fields) ? data.custom_fields : {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined || v === '') continue;
    out[k] = typeof v === 'string' ? v : typeof v === 'object' ? (nameOf(v) ?? JSON.stringify(v)) : String(v);
  }
  const named = { site: nameOf(data.site), cluster: nameOf(data.cluster), role: nameOf(data.role) };
  for (const [k, v] of Object.entries(named)) if (v !== undefined) out[`netbox.${k}`] = v;
  const status = statusOf(data.status);
  if (status !== undefined) out['netbox.status'] = status;
  const tenant = nameOf(data.tenant);
  if (tenant !== undefined) out['netbox.tenant'] = tenant;
  return out;
}

function macOf(data: Record<string, unknown>): string | undefined {
  const mac = typeof data.mac_address === 'string' ? data.mac_address : undefined;
  const primary = isObject(data.primary_mac_address) ? data.primary_mac_address.mac_address : undefined;
  const found = mac ?? (typeof primary === 'string' ? primary : undefined);
  return found && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(found) ? found.toLowerCase() : undefined;
}

/**
 * The workload a NetBox VM stands for, from the VM, its interfaces and their addresses as stored; the
 * hypervisor is left as the host NetBox names (the caller maps it). Null when the VM is not known.
 */
export function netboxWorkload(
  vm: StoredNetboxObject | null,
  interfaces: readonly StoredNetboxObject[],
  addresses: readonly StoredNetboxObject[],
  hypervisor: string,
): Workload | null {
  if (!vm) return null;
  const ips = new Map<number, string[]>();
  for (const a of addresses) {
    if (a.parent === null || typeof a.data.address !== 'string') continue;
    const ip = canonicalIp(a.data.address.split('/')[0]!);
    if (ip === null) continue;
    ips.set(a.parent, [...(ips.get(a.parent) ?? []), ip]);
  }
  const vnics = [...interfaces]
    .sort((a, b) => a.id - b.id)
    .map((i) => {
      const mac = macOf(i.data);
      return {
        id: netboxVnicId(i.id),
        ...(mac ? { mac } : {}),
        ips: [...new Set(ips.get(i.id) ?? [])].sort(),
      };
    });
  const os = nameOf(vm.data.platform);
  return {
    id: netboxWorkloadId(vm.id),
    name: nameOf(vm.data) ?? netboxWorkloadId(vm.id),
    hypervisor,
    vnics,
    ...(os !== undefined ? { os } : {}),
    tags: tagsOf(vm.data.tags),
    attributes: attributesOf(vm.data),
  };
}
