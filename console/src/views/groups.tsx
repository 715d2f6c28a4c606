import { enc, get, getAll, sinceRevision, tenantPath } from '../api.js';
import { usePoll } from '../poll.js';
import { href } from '../route.js';
import type { Group, Workload } from '../../../src/policy/types.js';
import { Empty, Live, Section, Status } from '../ui.js';
import { criteriaText, whyMember } from './membership.js';
import type { Members } from './peer-resolved.js';

interface Data {
  groups: Group[];
  workloads: Map<string, Workload>;
}

export function GroupsView({ tenant, id }: { tenant: string; id: string | null }) {
  const polled = usePoll<{ revision: number; value: Data }>(
    (prev) =>
      sinceRevision(tenant, prev, async () => {
        const [groups, workloads] = await Promise.all([
          getAll<Group>(tenantPath(tenant, '/groups')),
          getAll<Workload>(tenantPath(tenant, '/workloads')),
        ]);
        return { groups, workloads: new Map(workloads.map((w) => [w.id, w])) };
      }),
    3000,
    [tenant],
  );
  return (
    <Section title="Groups" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {({ value: { groups, workloads } }) =>
          groups.length === 0 ? (
            <Empty>No groups.</Empty>
          ) : (
            <div class="split">
              <ul class="policy-list">
                {groups.map((g) => (
                  <li key={g.id} class={g.id === (id ?? groups[0]!.id) ? 'selected' : ''}>
                    <a href={href(tenant, 'groups', g.id)}>
                      <strong>{g.name ?? g.id}</strong>{' '}
                      {g.criteria ? <span class="muted">dynamic</span> : null}
                    </a>
                  </li>
                ))}
              </ul>
              <GroupDetail
                tenant={tenant}
                group={groups.find((g) => g.id === id) ?? groups[0]!}
                groups={new Map(groups.map((g) => [g.id, g]))}
                workloads={workloads}
              />
            </div>
          )
        }
      </Status>
    </Section>
  );
}

function GroupDetail({
  tenant,
  group,
  groups,
  workloads,
}: {
  tenant: string;
  group: Group;
  groups: Map<string, Group>;
  workloads: Map<string, Workload>;
}) {
  const members = usePoll(() => get<Members>(tenantPath(tenant, `/groups/${enc(group.id)}/members`)), 5000, [
    tenant,
    group.id,
  ]);
  const m = group.members;
  return (
    <div class="rules" data-testid="group-detail">
      <h3>
        {group.name ?? group.id} <code>{group.id}</code>
      </h3>
      <dl class="facts">
        <dt>Static workloads</dt>
        <dd>{m.workloads.join(', ') || '—'}</dd>
        <dt>Static vNICs</dt>
        <dd>{m.vnics.join(', ') || '—'}</dd>
        <dt>CIDRs</dt>
        <dd>{m.cidrs.join(', ') || '—'}</dd>
        <dt>Nested groups</dt>
        <dd>
          {m.groups.length
            ? m.groups.map((g) => (
                <a key={g} href={href(tenant, 'groups', g)}>
                  {g}{' '}
                </a>
              ))
            : '—'}
        </dd>
        <dt>Criteria</dt>
        <dd>{group.criteria ? <code>{criteriaText(group.criteria)}</code> : '—'}</dd>
      </dl>
      <Status polled={members}>
        {(r) => (
          <>
            <h4>
              Resolved: {r.workloads.length} workload(s), {r.vnics.length} vNIC(s)
            </h4>
            <table class="grid" data-testid="members">
              <thead>
                <tr>
                  <th>workload</th>
                  <th>why it is in</th>
                </tr>
              </thead>
              <tbody>
                {r.workloads.map((wid) => {
                  const w = workloads.get(wid);
                  return (
                    <tr key={wid}>
                      <td>{w?.name ?? wid}</td>
                      <td>{w ? whyMember(group, w, groups).join('; ') : 'workload not listed'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p>
              Addresses: <code>{r.addresses.join(', ') || '—'}</code>
            </p>
          </>
        )}
      </Status>
    </div>
  );
}
