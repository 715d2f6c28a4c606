import { addressSetHas } from '../../src/net/address-set.js';
import { parseCidr } from '../../src/net/ip.js';
import { serviceCatalogue } from '../../src/policy/builtin-services.js';
import type { ResolvedGroup } from '../../src/policy/group-resolver.js';
import { parseProtocol } from '../../src/policy/protocols.js';
import { parsePorts } from '../../src/policy/ports.js';
import type { Peer, ServiceEntry, TenantPolicyState } from '../../src/policy/types.js';

/** A packet as the oracle reads it: for ICMP, sport is the type and dport the code. */
export interface OraclePacket {
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
}

export interface OracleStep {
  policy: string;
  rule: string;
  outcome: string;
  field: string | null;
}

/**
 * An independent reading of SPEC §3 over the policy as written (not the compiled rule set): the decision
 * for the first packet of a connection at one vNIC, and the rules looked at before it.
 */
export function oracle(
  state: TenantPolicyState,
  resolved: ReadonlyMap<string, ResolvedGroup>,
  vnic: string,
  dir: 'in' | 'out',
  p: OraclePacket,
): { action: string; reason: string; rule: string | null; policy: string | null; steps: OracleStep[] } {
  const catalogue = serviceCatalogue(state.services);
  const steps: OracleStep[] = [];
  const order = ['emergency', 'infrastructure', 'environment', 'application'];
  const policies = [...state.policies].sort(
    (a, b) =>
      order.indexOf(a.category) - order.indexOf(b.category) ||
      a.priority - b.priority ||
      (a.id < b.id ? -1 : 1),
  );
  let jumped = false;
  for (const policy of policies)
    for (const rule of policy.rules) {
      const step = (outcome: string, field: string | null) =>
        steps.push({ policy: policy.id, rule: rule.id, outcome, field });
      const scope = rule.appliedTo.length ? rule.appliedTo : policy.appliedTo;
      const entries = rule.services.flatMap((s) => (typeof s === 'string' ? catalogue.get(s)!.entries : [s]));
      if (rule.disabled) step('not-applied', 'disabled');
      else if (rule.direction !== 'inout' && rule.direction !== dir) step('not-applied', 'direction');
      else if (scope.length && !scope.some((g) => resolved.get(g)!.vnics.includes(vnic)))
        step('not-applied', 'appliedTo');
      else if (rule.services.length && entries.length === 0) step('not-applied', 'services');
      else if (jumped && policy.category !== 'application') step('skipped-by-jump', null);
      else if (!peerHas(rule.sources, p.src, resolved)) step('no-match', 'source');
      else if (!peerHas(rule.destinations, p.dst, resolved)) step('no-match', 'destination');
      else if (entries.length && !entries.some((e) => entryHas(e, p))) step('no-match', 'services');
      else if (rule.action === 'jumpToApplication') {
        step('jumped', null);
        if (policy.category !== 'application') jumped = true;
      } else {
        const action = rule.action === 'allow' ? 'allow' : rule.action;
        return { action, reason: 'new', rule: rule.id, policy: policy.id, steps };
      }
    }
  return { action: state.settings.defaultAction, reason: 'default', rule: null, policy: null, steps };
}

function peerHas(peer: Peer, ip: string, resolved: ReadonlyMap<string, ResolvedGroup>): boolean {
  if (peer === 'any') return true;
  const inside =
    peer.groups.some((g) => addressSetHas(resolved.get(g)!.addresses, ip)) ||
    peer.cidrs.some((c) => cidrHas(c, ip));
  return peer.negate ? !inside : inside;
}

function cidrHas(cidr: string, ip: string): boolean {
  const range = parseCidr(cidr)!;
  const a = parseCidr(ip)!;
  if (range.family !== a.family) return false;
  if (range.family === 4 && a.family === 4) return range.lo <= a.lo && a.lo <= range.hi;
  const key = (w: readonly number[]) => w.map((x) => x.toString(16).padStart(8, '0')).join('');
  const k = key(a.lo as number[]);
  return key(range.lo as number[]) <= k && k <= key(range.hi as number[]);
}

function entryHas(e: ServiceEntry, p: OraclePacket): boolean {
  const proto = parseProtocol(e.proto);
  if (proto !== -1 && proto !== p.proto) return false;
  if (proto === 1 || proto === 58)
    return (
      (e.icmpType === undefined || e.icmpType === p.sport) &&
      (e.icmpCode === undefined || e.icmpCode === p.dport)
    );
  return inPorts(e.sourcePorts, p.sport) && inPorts(e.ports, p.dport);
}

function inPorts(text: string | undefined, port: number): boolean {
  const r = parsePorts(text);
  if (r.length === 0) return true;
  for (let i = 0; i < r.length; i += 2) if (r[i]! <= port && port <= r[i + 1]!) return true;
  return false;
}
