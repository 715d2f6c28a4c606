import type { Peer, Policy } from './types.js';

/** Where a policy refers to a group or service, e.g. to answer 409 when deleting something still in use. */
export interface PolicyReference {
  policy: string;
  /** null when the reference is the policy's own appliedTo */
  rule: string | null;
  field: 'appliedTo' | 'sources' | 'destinations' | 'services';
}

export function policiesReferencingGroup(policies: readonly Policy[], groupId: string): PolicyReference[] {
  const refs: PolicyReference[] = [];
  const inPeer = (peer: Peer) => peer !== 'any' && peer.groups.includes(groupId);
  for (const p of policies) {
    if (p.appliedTo.includes(groupId)) refs.push({ policy: p.id, rule: null, field: 'appliedTo' });
    for (const r of p.rules) {
      if (r.appliedTo.includes(groupId)) refs.push({ policy: p.id, rule: r.id, field: 'appliedTo' });
      if (inPeer(r.sources)) refs.push({ policy: p.id, rule: r.id, field: 'sources' });
      if (inPeer(r.destinations)) refs.push({ policy: p.id, rule: r.id, field: 'destinations' });
    }
  }
  return refs;
}

export function policiesReferencingService(
  policies: readonly Policy[],
  serviceId: string,
): PolicyReference[] {
  const refs: PolicyReference[] = [];
  for (const p of policies) {
    for (const r of p.rules) {
      if (r.services.includes(serviceId)) refs.push({ policy: p.id, rule: r.id, field: 'services' });
    }
  }
  return refs;
}
