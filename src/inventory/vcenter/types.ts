import type { Workload } from '../../policy/types.js';

/** A host or VM as vCenter names it: its display name and its managed object reference. */
export interface VcenterObjectRef {
  name: string | undefined;
  moref: string | undefined;
}

/** One vCenter event, whichever CloudEvents mode or VEBA generation delivered it. */
export interface VcenterEvent {
  mode: 'binary' | 'structured';
  /** `vsphere`: `com.vmware.vsphere.<Event>.v0`; `event-router`: the older `com.vmware.event.router/event`. */
  format: 'vsphere' | 'event-router';
  /** CloudEvent `id`; unique together with `source` (VEBA uses the vCenter event key). */
  id: string;
  /** CloudEvent `source`, the vCenter (`https://vcenter.local/sdk`). */
  source: string;
  type: string;
  /** `VmMigratedEvent`, `VmRemovedEvent`, ... (an EventEx keeps its dotted id). */
  eventClass: string;
  subject: string | undefined;
  /** CloudEvent `time`, else the event's `CreatedTime`. */
  time: string | undefined;
  vm: VcenterObjectRef | undefined;
  /** Where the VM is (for a migration: the destination). */
  host: VcenterObjectRef | undefined;
  /** Where a migration came from. */
  sourceHost: VcenterObjectRef | undefined;
}

/** Why a delivery is not a vCenter event; `message` starts with `field` (becomes a 400). */
export interface VcenterFormatIssue {
  field: string;
  message: string;
}

export type VcenterParseResult = { ok: true; event: VcenterEvent } | { ok: false; error: VcenterFormatIssue };

/** What a workload must show to be matched and moved. */
export type VcenterWorkload = Pick<Workload, 'id' | 'name' | 'hypervisor' | 'attributes'>;

export interface VcenterLookup {
  /** Workloads whose `attributes["vcenter.vm"]` equals the moref. */
  workloadsByVm(moref: string): readonly VcenterWorkload[];
  /** Workloads whose `name` equals the VM name. */
  workloadsByName(name: string): readonly VcenterWorkload[];
  /** The source's `hypervisors` map: host name or host moref → hypervisor id. */
  hypervisors: Readonly<Record<string, string>>;
  hypervisorExists(id: string): boolean;
}

export type VcenterDecision =
  | { kind: 'migrate'; workload: string; from: string; to: string; reason: string }
  | { kind: 'delete'; workload: string; reason: string }
  | {
      kind: 'ignored';
      code: 'event-not-handled' | 'incomplete-event' | 'no-workload' | 'already-there';
      reason: string;
    }
  | { kind: 'rejected'; code: 'unknown-hypervisor' | 'ambiguous-workload'; reason: string };
