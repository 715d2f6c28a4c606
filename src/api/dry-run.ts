import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { affectedHypervisors } from '../compiler/affected-hypervisors.js';
import { compileCache, compileRuleSet } from '../compiler/compile-rule-set.js';
import { hypervisorOf } from '../env.js';
import { resolveGroups } from '../policy/group-resolver.js';
import { PolicyError } from '../policy/policy-error.js';
import type { TenantPolicyState, TenantSettings } from '../policy/types.js';
import { loadTenantStateCached } from '../store/tenant-state.js';
import { getTenant } from '../store/tenants.js';
import type { AppEnv } from './context.js';
import { notFound, unprocessable } from './errors.js';

/** The query of every write that can be dry-run. */
export const DryRunQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'true: answer the diff and the impact on live flows; change nothing' }),
});

export const isDryRun = (c: Context<AppEnv>) => c.req.query('dryRun') === 'true';

type Kinds = Pick<TenantPolicyState, 'workloads' | 'groups' | 'services' | 'policies'>;
export type StateKey = keyof Kinds;

/** The state with `obj` put into (replacing the one of its id) or, given an id, removed from one list. */
export function withObject<K extends StateKey>(key: K, change: Kinds[K][number] | { remove: string }) {
  return (s: TenantPolicyState): TenantPolicyState => {
    const id = 'remove' in change ? change.remove : change.id;
    const list: { id: string }[] = s[key].filter((x) => x.id !== id);
    if (!('remove' in change)) list.push(change);
    return { ...s, [key]: list };
  };
}

/** The state with the app's objects replaced by `desired` (none: the app deleted). */
export function withApp(app: string, desired: Pick<TenantPolicyState, 'groups' | 'services' | 'policies'>) {
  return (s: TenantPolicyState): TenantPolicyState => ({
    ...s,
    groups: [...s.groups.filter((g) => g.app !== app), ...desired.groups],
    services: [...s.services.filter((x) => x.app !== app), ...desired.services],
    policies: [...s.policies.filter((p) => p.app !== app), ...desired.policies],
  });
}

export const withSettings =
  (settings: TenantSettings) =>
  (s: TenantPolicyState): TenantPolicyState => ({ ...s, settings });

/** Per hypervisor sample size: a change that cuts more says so in counts. */
const SAMPLE_PER_HYPERVISOR = 100;
/** Handles for vNICs the candidate adds, far above the database ids real vNICs have: they have no flows. */
const FIRST_NEW_HANDLE = 0xffff_fff0;

/**
 * What applying `change` to the tenant's current state would do to live sessions: the candidate is compiled
 * for every hypervisor that hosts the tenant now or would, and each hypervisor object judges its own
 * conntrack and recent flow log against it. Nothing is written anywhere.
 */
export async function dryRunImpact(
  c: Context<AppEnv>,
  tenantId: string,
  change: (s: TenantPolicyState) => TenantPolicyState,
) {
  const db = c.get('db');
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw notFound('tenant', tenantId);
  const { state, vnicHandles } = await loadTenantStateCached(db, tenant);
  const next = { ...change(state), revision: state.revision + 1 };
  const handles = new Map(vnicHandles);
  let fresh = FIRST_NEW_HANDLE;
  for (const w of next.workloads) for (const v of w.vnics) if (!handles.has(v.id)) handles.set(v.id, fresh--);
  const hypervisors = [...new Set([...affectedHypervisors(state), ...affectedHypervisors(next)])].sort();
  let candidates;
  try {
    const resolved = resolveGroups(next.workloads, next.groups);
    const cache = compileCache(next, resolved);
    candidates = hypervisors.map((hypervisor) =>
      compileRuleSet({ state: next, hypervisor, vnicHandles: handles, resolved, cache, hash: false }),
    );
  } catch (err) {
    if (err instanceof PolicyError) throw unprocessable(err.code, err.message, err.details);
    throw err;
  }
  const answers = await Promise.all(
    candidates.map((rs) => hypervisorOf(c.env, rs.hypervisor).impactOf(rs, SAMPLE_PER_HYPERVISOR)),
  );
  return {
    revision: state.revision,
    candidateRevision: next.revision,
    /** whether applying would cut these flows (else they are kept and only new flows see the change) */
    revalidateOnChange: next.settings.revalidateOnChange,
    established: {
      flows: answers.reduce((n, a) => n + a.flows.flows, 0),
      cut: answers.reduce((n, a) => n + a.flows.cut, 0),
      byHypervisor: answers.map((a) => ({
        hypervisor: a.hypervisor,
        realizedRevision: a.realizedRevision,
        flows: a.flows.flows,
        cut: a.flows.cut,
      })),
      sample: answers.flatMap((a) => a.flows.sample.map((f) => ({ hypervisor: a.hypervisor, ...f }))),
    },
    flowLog: {
      entries: answers.reduce((n, a) => n + a.flowLog.entries, 0),
      newlyAllowed: answers.reduce((n, a) => n + a.flowLog.newlyAllowed, 0),
      newlyDenied: answers.reduce((n, a) => n + a.flowLog.newlyDenied, 0),
      sample: answers.flatMap((a) => a.flowLog.sample.map((s) => ({ hypervisor: a.hypervisor, ...s }))),
    },
  };
}
