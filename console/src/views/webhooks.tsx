import { ApiError, get, getAll, tenantPath } from '../api.js';
import { time } from '../format.js';
import { usePoll } from '../poll.js';
import { Badge, Live, Section, Status } from '../ui.js';

const KINDS = ['netbox', 'vcenter', 'events'] as const;

interface Source {
  kind: string;
  secrets: { fingerprint: string }[];
  hypervisors: Record<string, string>;
  enabled: boolean;
}
interface Delivery {
  id: string;
  receivedAt: string;
  event: string | null;
  object: string | null;
  outcome: 'applied' | 'duplicate' | 'stale' | 'ignored' | 'rejected';
  reason: string | null;
  revision: number | null;
}
const OUTCOME_KIND = {
  applied: 'ok',
  duplicate: 'info',
  stale: 'info',
  ignored: 'warn',
  rejected: 'bad',
} as const;

async function sourceOf(tenant: string, kind: string): Promise<Source | null> {
  try {
    return await get<Source>(tenantPath(tenant, `/webhooks/${kind}`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export function WebhooksView({ tenant }: { tenant: string }) {
  const polled = usePoll(
    () =>
      Promise.all(
        KINDS.map(async (kind) => {
          const source = await sourceOf(tenant, kind);
          const deliveries = source
            ? await getAll<Delivery>(tenantPath(tenant, `/webhooks/${kind}/deliveries`), 1)
            : [];
          return { kind, source, deliveries };
        }),
      ),
    3000,
    [tenant],
  );
  return (
    <Section title="Webhook deliveries" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {(sources) => (
          <>
            {sources.map(({ kind, source, deliveries }) => (
              <div key={kind} class="webhook" data-kind={kind}>
                <h3>
                  {kind}{' '}
                  {source ? (
                    source.enabled ? (
                      <Badge kind="ok">enabled</Badge>
                    ) : (
                      <Badge kind="warn">disabled</Badge>
                    )
                  ) : (
                    <Badge kind="info">not configured</Badge>
                  )}
                </h3>
                {source && (
                  <>
                    <p class="muted">
                      secrets: {source.secrets.map((s) => s.fingerprint).join(', ')}; hypervisor names mapped:{' '}
                      {Object.keys(source.hypervisors).length}
                    </p>
                    {deliveries.length === 0 ? (
                      <p class="muted">No deliveries yet.</p>
                    ) : (
                      <table class="grid">
                        <thead>
                          <tr>
                            <th>received</th>
                            <th>delivery</th>
                            <th>event</th>
                            <th>object</th>
                            <th>outcome</th>
                            <th>reason</th>
                            <th class="n">revision</th>
                          </tr>
                        </thead>
                        <tbody>
                          {deliveries.map((d) => (
                            <tr key={d.id}>
                              <td>{time(d.receivedAt)}</td>
                              <td>
                                <code>{d.id}</code>
                              </td>
                              <td>{d.event ?? '—'}</td>
                              <td>{d.object ?? '—'}</td>
                              <td>
                                <Badge kind={OUTCOME_KIND[d.outcome]}>{d.outcome}</Badge>
                              </td>
                              <td>{d.reason ?? ''}</td>
                              <td class="n">{d.revision ?? '—'}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </>
                )}
              </div>
            ))}
          </>
        )}
      </Status>
    </Section>
  );
}
