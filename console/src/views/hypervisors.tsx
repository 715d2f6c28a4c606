import { get, getAll, tenantPath, enc } from '../api.js';
import { num } from '../format.js';
import { usePoll } from '../poll.js';
import { Empty, Live, Section, Status } from '../ui.js';
import { Drift, type Realization } from './overview.js';

interface HvStatus {
  id: string;
  tenants: {
    tenant: string;
    desiredRevision: number;
    realizedRevision: number | null;
    rules: number;
    flows: number;
  }[];
}

export function HypervisorsView({ tenant }: { tenant: string }) {
  const polled = usePoll(
    async () => {
      const [hvs, realization] = await Promise.all([
        getAll<{ id: string; name: string }>('/v1/hypervisors'),
        get<Realization>(tenantPath(tenant, '/realization')),
      ]);
      const status = await Promise.all(hvs.map((h) => get<HvStatus>(`/v1/hypervisors/${enc(h.id)}/status`)));
      return { hvs, status, realization };
    },
    3000,
    [tenant],
  );
  return (
    <Section title="Hypervisors: desired vs realized" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {({ hvs, status, realization }) =>
          hvs.length === 0 ? (
            <Empty>No hypervisors.</Empty>
          ) : (
            <>
              <p>
                Tenant <code>{tenant}</code> wants revision {realization.desiredRevision}; every hypervisor
                hosting it has {realization.realizedRevision}.{' '}
                <Drift desired={realization.desiredRevision} realized={realization.realizedRevision} />
              </p>
              <table class="grid" data-testid="realization">
                <thead>
                  <tr>
                    <th>hypervisor</th>
                    <th>tenant</th>
                    <th class="n">desired</th>
                    <th class="n">realized</th>
                    <th>state</th>
                    <th class="n">rules</th>
                    <th class="n">flows</th>
                  </tr>
                </thead>
                <tbody>
                  {hvs.flatMap((h, i) => {
                    const rows = status[i]!.tenants;
                    if (rows.length === 0)
                      return [
                        <tr key={h.id}>
                          <td>
                            {h.name} <code>{h.id}</code>
                          </td>
                          <td colSpan={6} class="muted">
                            holds no rules you may see
                          </td>
                        </tr>,
                      ];
                    return rows.map((r) => (
                      <tr
                        key={`${h.id}/${r.tenant}`}
                        class={r.realizedRevision === r.desiredRevision ? '' : 'drift'}
                      >
                        <td>
                          {h.name} <code>{h.id}</code>
                        </td>
                        <td>{r.tenant}</td>
                        <td class="n">{r.desiredRevision}</td>
                        <td class="n">{r.realizedRevision ?? '—'}</td>
                        <td>
                          <Drift desired={r.desiredRevision} realized={r.realizedRevision} />
                        </td>
                        <td class="n">{num(r.rules)}</td>
                        <td class="n">{num(r.flows)}</td>
                      </tr>
                    ));
                  })}
                </tbody>
              </table>
            </>
          )
        }
      </Status>
    </Section>
  );
}
