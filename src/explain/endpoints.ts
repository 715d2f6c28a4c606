import { canonicalIp, parseIP } from '../net/ip.js';
import type { TenantPolicyState, Workload } from '../policy/types.js';
import { ExplainError } from './explain-error.js';
import type { Endpoint } from './types.js';

/** One end of the packet: its address and, when the inventory holds it, the vNIC that enforces. */
export interface ResolvedEnd {
  address: string;
  workload: Workload | null;
  vnic: string | null;
}

interface Candidate extends ResolvedEnd {
  family: 4 | 6;
}

/**
 * Picks the addresses of both ends: the first pair of one family (IPv4 first), in the order the vNICs
 * and their addresses are listed. An `ip` end is enforced by the vNIC that owns it, if any.
 */
export function resolveEnds(
  state: Pick<TenantPolicyState, 'workloads'>,
  src: Endpoint,
  dst: Endpoint,
): { src: ResolvedEnd; dst: ResolvedEnd } {
  const byIp = new Map<string, { workload: Workload; vnic: string }>();
  for (const w of state.workloads)
    for (const v of w.vnics)
      for (const ip of v.ips) {
        const key = canonicalIp(ip) ?? ip;
        if (!byIp.has(key)) byIp.set(key, { workload: w, vnic: v.id });
      }
  const from = candidates(state, src, 'src', byIp);
  const to = candidates(state, dst, 'dst', byIp);
  for (const family of [4, 6] as const) {
    const a = from.find((c) => c.family === family);
    const b = to.find((c) => c.family === family);
    if (a && b) return { src: strip(a), dst: strip(b) };
  }
  throw new ExplainError(
    'no-address',
    'dst',
    'source and destination have no address of one family in common',
  );
}

function strip({ address, workload, vnic }: Candidate): ResolvedEnd {
  return { address, workload, vnic };
}

function candidates(
  state: Pick<TenantPolicyState, 'workloads'>,
  end: Endpoint,
  field: string,
  byIp: Map<string, { workload: Workload; vnic: string }>,
): Candidate[] {
  if ('ip' in end) {
    const parsed = parseIP(end.ip);
    if (!parsed) throw new ExplainError('invalid-packet', `${field}.ip`, `"${end.ip}" is not an IP address`);
    const address = canonicalIp(end.ip)!;
    const owner = byIp.get(address);
    return [{ address, family: parsed.family, workload: owner?.workload ?? null, vnic: owner?.vnic ?? null }];
  }
  if ('workload' in end) {
    const w = state.workloads.find((x) => x.id === end.workload);
    if (!w)
      throw new ExplainError(
        'unknown-workload',
        `${field}.workload`,
        `workload "${end.workload}" does not exist`,
      );
    const out = w.vnics.flatMap((v) => addressesOf(w, v.id, v.ips));
    if (out.length === 0)
      throw new ExplainError('no-address', `${field}.workload`, `workload "${w.id}" has no address`);
    return out;
  }
  for (const w of state.workloads) {
    const v = w.vnics.find((x) => x.id === end.vnic);
    if (!v) continue;
    const out = addressesOf(w, v.id, v.ips);
    if (out.length === 0)
      throw new ExplainError('no-address', `${field}.vnic`, `vNIC "${v.id}" has no address`);
    return out;
  }
  throw new ExplainError('unknown-vnic', `${field}.vnic`, `vNIC "${end.vnic}" does not exist`);
}

function addressesOf(workload: Workload, vnic: string, ips: readonly string[]): Candidate[] {
  const out: Candidate[] = [];
  for (const ip of ips) {
    const parsed = parseIP(ip);
    if (parsed) out.push({ address: canonicalIp(ip)!, family: parsed.family, workload, vnic });
  }
  return out;
}
