import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { migrationOf } from '../../env.js';
import {
  invalidSyncBody,
  planSync,
  syncChanges,
  type SyncConflict,
  type SyncPlan,
} from '../../inventory/sync/plan-sync.js';
import type { Workload } from '../../policy/types.js';
import type { Db } from '../../store/db.js';
import { existingHypervisors, syncWorkloadsStatements, workloadOwners } from '../../store/inventory-sync.js';
import type { AuditEntry } from '../../store/mutation.js';
import { loadAllWorkloads, vnicsOfWorkload } from '../../store/workloads.js';
import { assertTenantInventory } from '../auth/principal.js';
import type { AppEnv } from '../context.js';
import { router } from '../context.js';
import { badRequest, conflict, unprocessable } from '../errors.js';
import { ERRORS, jsonBody, ok, security, WRITE_HEADERS, WriteRequestHeaders } from '../openapi-helpers.js';
import { DryRunQuery } from '../dry-run.js';
import { Id, TenantParam } from '../schemas/common.js';
import { WorkloadBody } from '../schemas/resources.js';
import { writeTenant } from '../tenant-write.js';
import { workloadFromBody } from './workloads.js';

export const inventoryRoutes = router();

const MAX_WORKLOADS = 50_000;
/** Up to this many changes a sync also writes one audit entry per workload, beside its summary. */
const AUDIT_EACH_UP_TO = 100;
const MIGRATION_CONCURRENCY = 8;

// inline, not a component: its workloads' defaulted fields must stay optional in generated request types
const SyncBody = z
  .strictObject({ workloads: z.array(WorkloadBody).max(MAX_WORKLOADS) })
  .openapi({ description: 'every workload the source owns; each needs its id' });

const Move = z.object({ id: z.string(), from: z.string(), to: z.string() });
const SyncMigration = z.object({
  workload: z.string(),
  migration: z.string().nullable(),
  state: z.string(),
  error: z.string().nullable(),
});
const SyncResult = z
  .object({
    source: z.string(),
    dryRun: z.boolean(),
    revision: z.number(),
    created: z.array(z.string()),
    updated: z.array(z.string()),
    moved: z.array(Move),
    deleted: z.array(z.string()),
    unchanged: z.number(),
    migrations: z.array(SyncMigration),
  })
  .openapi('InventorySyncResult');

type SyncAnswer = z.infer<typeof SyncResult>;
interface Planned {
  result: Omit<SyncAnswer, 'migrations'>;
  plan: SyncPlan;
}

function desiredWorkloads(body: z.infer<typeof SyncBody>): Workload[] {
  return body.workloads.map((w, i) => {
    if (w.id === undefined) throw badRequest(`body.workloads[${i}].id: required in a sync`);
    return workloadFromBody(w.id, w);
  });
}

function assertValidBody(desired: Workload[]): void {
  const invalid = invalidSyncBody(desired);
  if (invalid?.kind === 'duplicate-workload')
    throw badRequest(
      `body.workloads[${invalid.index}].id: workload "${invalid.id}" is listed twice`,
      invalid,
    );
  if (invalid)
    throw badRequest(
      `body.workloads[${invalid.index}].vnics: vNIC "${invalid.id}" is also a vNIC of "${invalid.other}"`,
      invalid,
    );
}

function conflictError(source: string, conflicts: SyncConflict[]) {
  const first = conflicts[0]!;
  const owner = (o: string | null) => (o === null ? 'the API' : `source "${o}"`);
  const message =
    first.kind === 'workload'
      ? `workload "${first.id}" is written by ${owner(first.owner)}, not source "${source}"`
      : `vNIC "${first.id}" belongs to workload "${first.workload}" of ${owner(first.owner)}`;
  return conflict(first.kind === 'workload' ? 'owned-elsewhere' : 'vnic-taken', message, {
    conflicts: conflicts.slice(0, 100),
    count: conflicts.length,
  });
}

async function assertHypervisorsExist(db: Db, writes: Workload[]): Promise<void> {
  const wanted = [...new Set(writes.map((w) => w.hypervisor))];
  const found = await existingHypervisors(db, wanted);
  const missing = wanted.filter((h) => !found.has(h));
  if (missing.length)
    throw unprocessable('unknown-hypervisor', `body.workloads: hypervisor "${missing[0]}" does not exist`, {
      hypervisors: missing,
    });
}

function auditOf(source: string, plan: SyncPlan, before: Map<string, Workload>): AuditEntry[] {
  const summary: AuditEntry = {
    action: 'sync',
    kind: 'inventory-sync',
    id: source,
    before: null,
    after: {
      source,
      counts: {
        created: plan.created.length,
        updated: plan.updated.length,
        moved: plan.moved.length,
        deleted: plan.deleted.length,
        unchanged: plan.unchanged,
      },
      created: plan.created,
      updated: plan.updated,
      moved: plan.moved,
      deleted: plan.deleted,
    },
  };
  if (syncChanges(plan) > AUDIT_EACH_UP_TO) return [summary];
  const each: AuditEntry[] = plan.writes.map((w) => {
    const prior = before.get(w.id) ?? null;
    return { action: prior ? 'update' : 'create', kind: 'workload', id: w.id, before: prior, after: w };
  });
  for (const id of plan.deleted)
    each.push({ action: 'delete', kind: 'workload', id, before: before.get(id)!, after: null });
  return [summary, ...each];
}

/** Moves their flows to where the sync put them (the inventory step finds them there already). */
async function migrateMoved(c: Context<AppEnv>, tenant: string, revision: number, plan: SyncPlan) {
  const db = c.get('db');
  const out: SyncAnswer['migrations'] = [];
  const queue = [...plan.moved.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, move] = next;
      const id = `sync-r${revision}-${i}`;
      try {
        const vnics = (await vnicsOfWorkload(db, tenant, move.id)).map((v) => ({ ...v, tenant }));
        const started = await migrationOf(c.env, tenant, move.id).start({
          id,
          tenant,
          workload: move.id,
          from: move.from,
          to: move.to,
          vnics,
        });
        out.push(
          started.ok
            ? { workload: move.id, migration: id, state: started.record.state, error: started.record.error }
            : {
                workload: move.id,
                migration: null,
                state: 'not-started',
                error: `migration ${started.activeId} of this workload is still running`,
              },
        );
      } catch (err) {
        out.push({ workload: move.id, migration: id, state: 'failed', error: String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: MIGRATION_CONCURRENCY }, worker));
  return out.sort((a, b) => (a.workload < b.workload ? -1 : 1));
}

inventoryRoutes.openapi(
  createRoute({
    method: 'put',
    path: '/v1/tenants/{t}/inventory/{source}',
    operationId: 'syncInventory',
    summary: 'Sync the workloads of a source',
    tags: ['inventory'],
    security,
    description:
      'The desired set of workloads the source owns: created, updated, moved (with their flows) and deleted ' +
      'to match in one revision. Workloads of the API or another source are not touched (409 when named). ' +
      '?dryRun=true answers the diff and changes nothing. Honours If-Match.',
    request: {
      params: TenantParam.extend({ source: Id.openapi({ param: { name: 'source', in: 'path' } }) }),
      query: DryRunQuery,
      headers: WriteRequestHeaders,
      body: jsonBody(SyncBody, {
        workloads: [{ id: 'web-1', hypervisor: 'hv-1', vnics: [{ id: 'web-1-eth0', ips: ['10.0.1.5'] }] }],
      }),
    },
    responses: {
      200: ok(SyncResult, 'what changed (with ?dryRun=true: would change)', WRITE_HEADERS),
      ...ERRORS,
    },
  }),
  async (c) => {
    const { t, source } = c.req.valid('param');
    const dryRun = c.req.valid('query').dryRun === 'true';
    const desired = desiredWorkloads(c.req.valid('json'));
    assertValidBody(desired);
    let migrations: SyncAnswer['migrations'] = [];
    const out = await writeTenant<Planned>(
      c,
      t,
      async (tenant, db) => {
        const [{ workloads }, owners] = await Promise.all([loadAllWorkloads(db, t), workloadOwners(db, t)]);
        const current = workloads.map((w) => ({ workload: w, source: owners.get(w.id) ?? null }));
        const plan = planSync(source, current, desired);
        if (plan.conflicts.length) throw conflictError(source, plan.conflicts);
        await assertHypervisorsExist(db, plan.writes);
        const result = {
          source,
          dryRun,
          revision: tenant.revision,
          created: plan.created,
          updated: plan.updated,
          moved: plan.moved,
          deleted: plan.deleted,
          unchanged: plan.unchanged,
        };
        if (dryRun || syncChanges(plan) === 0) return { unchanged: { result, plan } };
        return {
          result: { result, plan },
          statements: syncWorkloadsStatements(db, t, source, plan.writes, plan.deleted),
          audit: auditOf(source, plan, new Map(workloads.map((w) => [w.id, w]))),
        };
      },
      {
        authorize: assertTenantInventory,
        beforeRealize: async (committed) => {
          migrations = await migrateMoved(c, t, committed.revision, committed.result.plan);
        },
      },
    );
    return c.json({ ...out.result.result, revision: out.revision, migrations }, 200);
  },
);
