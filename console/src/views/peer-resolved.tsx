import { get, tenantPath, enc } from '../api.js';
import { usePoll } from '../poll.js';
import type { Peer } from '../../../src/policy/types.js';
import { href } from '../route.js';
import { Status } from '../ui.js';

export interface Members {
  workloads: string[];
  vnics: string[];
  addresses: string[];
}

export function GroupMembers({ tenant, group }: { tenant: string; group: string }) {
  const polled = usePoll(() => get<Members>(tenantPath(tenant, `/groups/${enc(group)}/members`)), 0, [
    tenant,
    group,
  ]);
  return (
    <Status polled={polled}>
      {(m) => (
        <span>
          {m.workloads.length} workload(s): {m.workloads.join(', ') || '—'}; addresses:{' '}
          {m.addresses.join(', ') || '—'}
        </span>
      )}
    </Status>
  );
}

/** A rule side as the data plane sees it: each group resolved to workloads and addresses now. */
export function PeerResolved({ tenant, peer }: { tenant: string; peer: Peer }) {
  if (peer === 'any') return <p>any address</p>;
  return (
    <ul class="resolved">
      {peer.negate && (
        <li>
          <strong>everything except:</strong>
        </li>
      )}
      {peer.groups.map((g) => (
        <li key={g}>
          <a href={href(tenant, 'groups', g)}>group {g}</a> → <GroupMembers tenant={tenant} group={g} />
        </li>
      ))}
      {peer.cidrs.map((c) => (
        <li key={c}>
          <code>{c}</code> (inline)
        </li>
      ))}
    </ul>
  );
}
