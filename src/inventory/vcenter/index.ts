/**
 * vCenter events (SPEC §7), pure: no I/O, so the webhook route owns signatures, the deliveries log and the
 * tenant write. The route does, per delivery:
 *
 *   const parsed = parseVcenterDelivery({ headers, body });          // headers with lower-case names
 *   if (!parsed.ok) → 400, message parsed.error.message (starts with the field path)
 *   duplicate check on (parsed.event.source, parsed.event.id)
 *   const decision = decideVcenterAction(parsed.event, {
 *     ...indexWorkloadsForVcenter(workloads), hypervisors: source.hypervisors, hypervisorExists });
 *   migrate  → POST .../workloads/{decision.workload}/migrate {to, id derived from the delivery's dedup key}  (applied)
 *   delete   → delete decision.workload                                                       (applied)
 *   ignored  → 2xx, recorded with decision.reason
 *   rejected → 422 decision.code (`unknown-hypervisor`, `ambiguous-workload`), recorded, replayable
 */
export { parseVcenterDelivery, type VcenterDelivery } from './parse-vcenter-delivery.js';
export { decideVcenterAction } from './decide-vcenter-action.js';
export { indexWorkloadsForVcenter, VCENTER_VM_ATTRIBUTE } from './find-workload.js';
export { effectOf, type VcenterEffect } from './event-classes.js';
export type {
  VcenterDecision,
  VcenterEvent,
  VcenterFormatIssue,
  VcenterLookup,
  VcenterObjectRef,
  VcenterParseResult,
  VcenterWorkload,
} from './types.js';
