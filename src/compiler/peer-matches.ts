import { parseCidr } from '../net/ip.js';
import { AddressSetBuilder, emptyAddressSet } from '../net/address-set.js';
import type { ResolvedGroup } from '../policy/group-resolver.js';
import { PolicyError } from '../policy/policy-error.js';
import type { Peer } from '../policy/types.js';
import type { AddressMatch } from './types.js';

type Field = 'sources' | 'destinations';

const ANY: AddressMatch = Object.freeze({ any: true, negate: false, set: emptyAddressSet() });

/** Turns rule sources / destinations into address matches; equal peers share one (immutable) result. */
export class PeerMatches {
  private readonly cache = new Map<string, AddressMatch>();
  private readonly valid = new Set<string>();

  constructor(private readonly groups: ReadonlyMap<string, ResolvedGroup>) {}

  /** Throws PolicyError for an unknown group or invalid CIDR, with `details.field` set to `field`. */
  match(peer: Peer, field: Field): AddressMatch {
    if (peer === 'any') return ANY;
    const key = peerKey(peer);
    let match = this.cache.get(key);
    if (!match) {
      this.validate(peer, field);
      const builder = new AddressSetBuilder();
      for (const id of peer.groups) builder.addSet(this.groups.get(id)!.addresses);
      for (const cidr of peer.cidrs) builder.addCidr(cidr);
      match = { any: false, negate: peer.negate, set: builder.build() };
      this.cache.set(key, match);
    }
    return match;
  }

  /** Checks references without building addresses (for rules that apply to no local vNIC). */
  validate(peer: Peer, field: Field): void {
    if (peer === 'any') return;
    const key = peerKey(peer);
    if (this.valid.has(key)) return;
    for (const id of peer.groups) {
      if (!this.groups.has(id)) {
        throw new PolicyError('unknown-group', `unknown group "${id}" in ${field}`, { group: id, field });
      }
    }
    for (const cidr of peer.cidrs) {
      if (!parseCidr(cidr))
        throw new PolicyError('invalid-cidr', `invalid CIDR "${cidr}" in ${field}`, { cidr, field });
    }
    this.valid.add(key);
  }
}

function peerKey(peer: Exclude<Peer, 'any'>): string {
  return `${peer.negate ? '!' : ''}${peer.groups.join('\0')}\u0001${peer.cidrs.join('\0')}`;
}
