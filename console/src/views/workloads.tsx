import { getAll, sinceRevision, tenantPath } from '../api.js';
import { usePoll } from '../poll.js';
import type { Workload } from '../../../src/policy/types.js';
import { Empty, Live, Section, Status } from '../ui.js';

export function WorkloadsView({ tenant }: { tenant: string }) {
  const polled = usePoll(
    (prev: { revision: number; value: Workload[] } | undefined) =>
      sinceRevision(tenant, prev, () => getAll<Workload>(tenantPath(tenant, '/workloads'))),
    3000,
    [tenant],
  );
  return (
    <Section title="Workloads" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {({ value: items }) =>
          items.length === 0 ? (
            <Empty>No workloads.</Empty>
          ) : (
            <table class="grid" data-testid="workloads">
              <thead>
                <tr>
                  <th>workload</th>
                  <th>hypervisor</th>
                  <th>vNICs and addresses</th>
                  <th>os</th>
                  <th>user</th>
                  <th>tags</th>
                  <th>attributes</th>
                </tr>
              </thead>
              <tbody>
                {items.map((w) => (
                  <tr key={w.id}>
                    <td>
                      {w.name} <code>{w.id}</code>
                    </td>
                    <td>{w.hypervisor}</td>
                    <td>
                      {w.vnics.map((v) => (
                        <div key={v.id}>
                          <code>{v.id}</code>
                          {v.mac ? ` ${v.mac}` : ''}: {v.ips.join(', ') || 'no address'}
                        </div>
                      ))}
                    </td>
                    <td>{w.os ?? '—'}</td>
                    <td>{w.user ?? '—'}</td>
                    <td>{w.tags.join(', ') || '—'}</td>
                    <td>
                      {Object.entries(w.attributes)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Status>
    </Section>
  );
}
