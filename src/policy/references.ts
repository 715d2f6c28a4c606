import type { Policy } from './types.js';

/** One place a policy names a group or service; `at` is where it stands in the policy's body. */
export interface PolicyReference {
  kind: 'group' | 'service';
  id: string;
  /** e.g. `rules[2].sources.groups[0]`, or `appliedTo[1]` for the policy's own appliedTo */
  at: string;
}

/** Every group and service a policy names, in body order: the one walker of a policy's references. */
export function policyReferences(p: Policy): PolicyReference[] {
  const refs: PolicyReference[] = p.appliedTo.map((id, i) => ({ kind: 'group', id, at: `appliedTo[${i}]` }));
  p.rules.forEach((r, ri) => {
    const at = `rules[${ri}]`;
    for (const side of ['sources', 'destinations'] as const) {
      const peer = r[side];
      if (peer !== 'any')
        peer.groups.forEach((id, i) => refs.push({ kind: 'group', id, at: `${at}.${side}.groups[${i}]` }));
    }
    r.appliedTo.forEach((id, i) => refs.push({ kind: 'group', id, at: `${at}.appliedTo[${i}]` }));
    r.services.forEach((s, i) => {
      if (typeof s === 'string') refs.push({ kind: 'service', id: s, at: `${at}.services[${i}]` });
    });
  });
  return refs;
}
