import { getAll, tenantPath } from '../api.js';
import { num } from '../format.js';
import { usePoll } from '../poll.js';
import { Badge, Empty, Live, Section, Status } from '../ui.js';

interface Migration {
  id: string;
  workload: string;
  from: string;
  to: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  step: string | null;
  flowsMoved: number;
  error: string | null;
}

const STATE_KIND = { pending: 'info', running: 'warn', done: 'ok', failed: 'bad' } as const;

export function MigrationsView({ tenant }: { tenant: string }) {
  const polled = usePoll(() => getAll<Migration>(tenantPath(tenant, '/migrations')), 3000, [tenant]);
  return (
    <Section title="Migrations" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {(items) =>
          items.length === 0 ? (
            <Empty>No workload has been migrated.</Empty>
          ) : (
            <table class="grid" data-testid="migrations">
              <thead>
                <tr>
                  <th>migration</th>
                  <th>workload</th>
                  <th>from</th>
                  <th>to</th>
                  <th>state</th>
                  <th>step</th>
                  <th class="n">flows moved</th>
                  <th>error</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <code>{m.id}</code>
                    </td>
                    <td>{m.workload}</td>
                    <td>{m.from}</td>
                    <td>{m.to}</td>
                    <td>
                      <Badge kind={STATE_KIND[m.state]}>{m.state}</Badge>
                    </td>
                    <td>{m.step ?? '—'}</td>
                    <td class="n">{num(m.flowsMoved)}</td>
                    <td class="error">{m.error ?? ''}</td>
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
