import { ACTION } from '../codec/index.js';
import {
  ICMP_ECHO_REQUEST,
  ICMPV6_ECHO_REQUEST,
  type ConntrackTable,
  type FlowInfo,
} from '../conntrack/index.js';
import { flowOpenedDir, flowRuleHandle, flowRuleWord } from './flow-rule-word.js';
import type { TenantState, VnicState } from './tenant-state.js';

/**
 * Re-classifies every flow of the tenant's vNICs against its rules: the original-direction tuple
 * against the list of the direction the flow was opened on (both lists when that is unknown). Flows
 * no longer allowed are deleted; flows allowed by another rule now point at it. Returns the cut count.
 */
export function revalidateFlows(conntrack: ConntrackTable, tenant: TenantState): number {
  const byHandle = new Map<number, VnicState>();
  for (const v of tenant.vnics) byHandle.set(v.handle, v);
  let cut = 0;
  conntrack.forEach((ref, vnicHandle) => {
    const vnic = byHandle.get(vnicHandle);
    if (!vnic) return;
    const flow = conntrack.describe(ref);
    const dir = flowOpenedDir(flow.rule);
    const verdict = flowVerdict(flow, vnic);
    if (verdict === DENIED) {
      conntrack.delete(ref);
      cut++;
      return;
    }
    if (verdict >= 0 && dir >= 0) {
      const handle = tenant.ruleHandles[verdict]!;
      if (handle !== flowRuleHandle(flow.rule)) conntrack.setRule(ref, flowRuleWord(handle, dir));
    }
  });
  return cut;
}

export const DENIED = -2;
export const DEFAULT_ALLOW = -1;

/**
 * Whether the vNIC's rules still allow the flow: the allowing rule index, DEFAULT_ALLOW, or DENIED. The
 * flow's original-direction tuple is matched against the list of the direction it was opened on (both
 * lists when that is unknown).
 */
export function flowVerdict(flow: FlowInfo, vnic: VnicState): number {
  const dir = flowOpenedDir(flow.rule);
  return dir < 0 ? Math.max(allowedBy(flow, vnic, 0), allowedBy(flow, vnic, 1)) : allowedBy(flow, vnic, dir);
}

/** The allowing rule index, DEFAULT_ALLOW, or DENIED. */
function allowedBy(flow: FlowInfo, vnic: VnicState, dir: number): number {
  const index = flowRuleIndex(flow, vnic, dir);
  if (index < 0) return vnic.tenant.defaultAction === ACTION.allow ? DEFAULT_ALLOW : DENIED;
  return vnic.tenant.rules[index]!.action === 'allow' ? index : DENIED;
}

/** The index of the rule that decides the flow's original-direction tuple on the list for `dir`, or -1. */
export function flowRuleIndex(flow: FlowInfo, vnic: VnicState, dir: number): number {
  const list = dir === 0 ? vnic.out : vnic.in;
  const icmp = flow.proto === 1 || flow.proto === 58;
  // Only echo requests open ICMP flows; their ports hold the identifier, not type and code.
  const sport = icmp ? (flow.family === 4 ? ICMP_ECHO_REQUEST : ICMPV6_ECHO_REQUEST) : flow.sport;
  const dport = icmp ? 0 : flow.dport;
  return flow.family === 4
    ? list.match4(flow.src[0]!, flow.dst[0]!, flow.proto, sport, dport)
    : list.match6(flow.src, 0, flow.dst, 0, flow.proto, sport, dport);
}
