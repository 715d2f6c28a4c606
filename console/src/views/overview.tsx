import { get, getAll, tenantPath } from '../api.js';
import { num } from '../format.js';
import { usePoll } from '../poll.js';
import type { Group, Policy, Workload } from '../../../src/policy/types.js';
import { Badge, Live, Section, Status } from '../ui.js';

interface Tenant {
  id: string;
  name: string;
  revision: number;
  settings: Record<string, unknown>;
}
export interface Realization {
  desiredRevision: number;
  realizedRevision: number;
  hypervisors: string[];
  error: string | null;
  unrealizableRevision: number | null;
}
interface Counts {
  policies: number;
  rules: number;
  groups: number;
  workloads: number;
  services: number;
}
interface Overview {
  tenant: Tenant;
  realization: Realization;
  counts: Counts;
}

async function countAll(t: string): Promise<Counts> {
  const [policies, groups, workloads, services] = await Promise.all([
    getAll<Policy>(tenantPath(t, '/policies')),
    getAll<Group>(tenantPath(t, '/groups')),
    getAll<Workload>(tenantPath(t, '/workloads')),
    getAll<{ id: string }>(tenantPath(t, '/services')),
  ]);
  const rules = policies.reduce((n, p) => n + p.rules.length, 0);
  return {
    policies: policies.length,
    rules,
    groups: groups.length,
    workloads: workloads.length,
    services: services.length,
  };
}

export function Drift({ desired, realized }: { desired: number; realized: number | null }) {
  if (realized === desired) return <Badge kind="ok">in sync</Badge>;
  return (
    <Badge kind="bad">drift: {realized === null ? 'nothing realized' : `${desired - realized} behind`}</Badge>
  );
}

export function OverviewView({ tenant }: { tenant: string }) {
  // counts are re-read only when the revision moves: every change bumps it
  const polled = usePoll<Overview>(
    async (prev) => {
      const [t, realization] = await Promise.all([
        get<Tenant>(tenantPath(tenant)),
        get<Realization>(tenantPath(tenant, '/realization')),
      ]);
      const counts = prev && prev.tenant.revision === t.revision ? prev.counts : await countAll(tenant);
      return { tenant: t, realization, counts };
    },
    3000,
    [tenant],
  );
  return (
    <Section title="Overview" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {({ tenant: t, realization: r, counts }) => (
          <>
            <dl class="facts">
              <dt>Tenant</dt>
              <dd>
                {t.name} <code>{t.id}</code>
              </dd>
              <dt>Revision</dt>
              <dd data-testid="revision">{t.revision}</dd>
              <dt>Realized</dt>
              <dd>
                {r.realizedRevision} on {r.hypervisors.length} hypervisor(s){' '}
                <Drift desired={r.desiredRevision} realized={r.realizedRevision} />
              </dd>
              {r.error && (
                <>
                  <dt>Realization error</dt>
                  <dd class="error">{r.error}</dd>
                </>
              )}
              <dt>Default action</dt>
              <dd>{String(t.settings.defaultAction)}</dd>
              <dt>Spoof guard</dt>
              <dd>{t.settings.spoofGuard ? 'on' : 'off'}</dd>
            </dl>
            <table class="counts">
              <tbody>
                {Object.entries(counts).map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td>{num(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Status>
    </Section>
  );
}
