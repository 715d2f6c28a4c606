import { WorkloadBody } from '../api/schemas/resources.js';
import { realizerOf, type Env } from '../env.js';
import {
  NETBOX_ADDRESS,
  NETBOX_INTERFACE,
  NETBOX_VM,
  isOlder,
  type NetboxDelivery,
} from '../inventory/netbox/parse-netbox-delivery.js';
import { netboxHostOf, netboxWorkload, netboxWorkloadId } from '../inventory/netbox/netbox-workload.js';
import { canonicalJson } from '../policy/canonical-json.js';
import type { Workload } from '../policy/types.js';
import type { Db } from '../store/db.js';
import { GuardViolation } from '../store/guard-violation.js';
import type { AuditEntry, Statement } from '../store/mutation.js';
import { putNetboxObjectStatements, type NetboxObject } from '../store/netbox-objects.js';
import { runTenantTransaction, TenantBusy, TenantMissing } from '../store/tenant-transaction.js';
import { recordDeliveryStatement, seenDeliveries, type DeliveryRecord } from '../store/webhook-deliveries.js';
import { deleteWorkloadStatements, putWorkloadStatements } from '../store/workloads.js';
import { startMove, type Move } from './moves.js';
import { NetboxOverlay } from './netbox-overlay.js';
import { DeliveryRejected, placeHost } from './place-host.js';
import type { JobAnswer, NetboxJob } from './types.js';

const INVENTORY = new Set([NETBOX_VM, NETBOX_INTERFACE, NETBOX_ADDRESS]);
const ACTOR = 'webhook:netbox';
const GUARD_RETRIES = 3;

type Planned =
  | { kind: 'applied'; reason: string; moves: Move[] }
  | { kind: 'stale' | 'ignored'; reason: string }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; error: DeliveryRejected };

const hypervisorFor = (ov: NetboxOverlay, job: NetboxJob, host: string | null, vm: number) =>
  placeHost(job.hypervisors, host, vm, (id) => ov.hypervisorExists(id));

function assertStorable(w: Workload): void {
  const { id: _id, ...body } = w;
  const parsed = WorkloadBody.safeParse(body);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  throw new DeliveryRejected('invalid-workload', `workload.${issue.path.join('.')}: ${issue.message}`);
}

async function vmsAffected(ov: NetboxOverlay, d: NetboxDelivery, before: NetboxObject | null) {
  if (d.objectType === NETBOX_VM) return [d.id];
  if (d.objectType === NETBOX_INTERFACE) return [before?.parent ?? null, d.parent];
  const vmOf = async (iface: number | null) =>
    iface === null ? null : ((await ov.object(NETBOX_INTERFACE, iface))?.parent ?? null);
  return [await vmOf(before?.parent ?? null), await vmOf(d.parent), d.vmHint];
}

/** Recomputes the workload of one VM from what the overlay holds; whether it changed. */
async function recompute(ov: NetboxOverlay, job: NetboxJob, vm: number, vms: number[], moves: Move[]) {
  const stored = await ov.object(NETBOX_VM, vm);
  const live = stored && !stored.deleted ? stored : null;
  const interfaces = live ? await ov.children(NETBOX_VM, vm) : [];
  const addresses = (await Promise.all(interfaces.map((i) => ov.children(NETBOX_INTERFACE, i.id)))).flat();
  const id = netboxWorkloadId(vm);
  const existing = await ov.workload(id);
  const hypervisor = live ? await hypervisorFor(ov, job, netboxHostOf(live), vm) : '';
  const next = netboxWorkload(live, interfaces, addresses, hypervisor);
  if (!next) {
    if (!existing) return false;
    await ov.setWorkload(id, null);
    return true;
  }
  assertStorable(next);
  const written = existing ? { ...next, hypervisor: existing.hypervisor } : next;
  if (existing && existing.hypervisor !== next.hypervisor)
    moves.push({ workload: id, from: existing.hypervisor, to: next.hypervisor });
  if (existing && canonicalJson(existing) === canonicalJson(written)) return false;
  for (const v of written.vnics) {
    const owner = await ov.vnicOwner(v.id);
    if (owner !== null && owner !== id && !vms.includes(Number(owner.slice('netbox-vm-'.length))))
      throw new DeliveryRejected('vnic-taken', `vNIC "${v.id}" belongs to workload "${owner}"`);
  }
  await ov.setWorkload(id, written);
  return true;
}

/**
 * One delivery against the batch's overlay, as if it were applied alone after the ones before it: the
 * object is stored as received, then every workload it touches is recomputed from what is stored, so
 * deliveries converge whatever order they come in.
 */
async function planOne(ov: NetboxOverlay, job: NetboxJob, seen: Set<string>): Promise<Planned> {
  const d = job.delivery;
  if (seen.has(job.dedupKey)) return { kind: 'duplicate' };
  if (!INVENTORY.has(d.objectType)) {
    seen.add(job.dedupKey);
    return { kind: 'ignored', reason: `${d.objectType} is no inventory object` };
  }
  const before = await ov.object(d.objectType, d.id);
  if (before && isOlder(d.timestamp, before.timestamp)) {
    seen.add(job.dedupKey);
    return { kind: 'stale', reason: `${d.objectType} ${d.id} was last changed at ${before.timestamp}` };
  }
  ov.begin();
  try {
    const { id, objectType, timestamp, parent, data } = d;
    ov.put({ objectType, id, timestamp, parent, deleted: d.event === 'deleted', data });
    const vms = [...new Set((await vmsAffected(ov, d, before)).filter((v) => v !== null))];
    const moves: Move[] = [];
    let changed = false;
    for (const vm of vms) if (await recompute(ov, job, vm, vms, moves)) changed = true;
    seen.add(job.dedupKey);
    const names = vms.map(netboxWorkloadId).join(', ');
    const reason = changed
      ? `recomputed ${names}`
      : vms.length
        ? `kept; ${names} unchanged`
        : 'kept until its interface and virtual machine are known (or it is assigned to one)';
    return { kind: 'applied', reason, moves };
  } catch (err) {
    if (!(err instanceof DeliveryRejected)) throw err;
    ov.rollback();
    return { kind: 'rejected', error: err };
  }
}

/** The hypervisors the batch's VMs name, so that placing them reads memory. */
function hostsOf(jobs: readonly NetboxJob[]): string[] {
  return jobs.flatMap((j) => {
    if (j.delivery.objectType !== NETBOX_VM) return [];
    const host = netboxHostOf(j.delivery);
    return host === null ? [] : [j.hypervisors[host] ?? host];
  });
}

function changeStatements(db: Db, tenant: string, ov: NetboxOverlay) {
  const statements: Statement[] = [];
  const audit: AuditEntry[] = [];
  for (const [id, before, after] of ov.changedWorkloads()) {
    if (after) statements.push(...putWorkloadStatements(db, tenant, after, 'netbox', before === null));
    else statements.push(...deleteWorkloadStatements(db, tenant, id));
    const action = !before ? 'create' : after ? 'update' : 'delete';
    audit.push({ action, kind: 'workload', id, before, after });
  }
  return { statements, audit };
}

/** Plans every job in order over one overlay and commits the lot as at most one revision. */
async function commitBatch(
  db: Db,
  tenant: string,
  jobs: readonly NetboxJob[],
  seenBefore: Promise<Set<string>>,
) {
  let planned: Planned[] = [];
  const out = await runTenantTransaction<Statement[]>(
    db,
    { tenant, expected: null, actor: ACTOR },
    async () => {
      const ov = new NetboxOverlay(db, tenant);
      await Promise.all([ov.prefetch(jobs.map((j) => j.delivery)), ov.prefetchHypervisors(hostsOf(jobs))]);
      const seen = new Set(await seenBefore);
      planned = [];
      for (const job of jobs) planned.push(await planOne(ov, job, seen));
      const objects = putNetboxObjectStatements(db, tenant, ov.changedObjects());
      const { statements, audit } = changeStatements(db, tenant, ov);
      if (statements.length === 0) return { unchanged: objects };
      return { result: [], statements: [...objects, ...statements], audit };
    },
  );
  return { ...out, planned };
}

async function withGuardRetries<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      // a hypervisor deleted after the plan looked: plan again, and the deliveries placed on it are rejected
      if (!(err instanceof GuardViolation) || attempt >= GUARD_RETRIES) throw err;
    }
  }
}

function recordOf(
  job: NetboxJob,
  outcome: DeliveryRecord['outcome'],
  reason: string,
  revision: number | null,
) {
  const d = job.delivery;
  return {
    tenant: job.tenant,
    kind: 'netbox',
    id: job.id,
    dedupKey: job.dedupKey,
    event: d.event,
    object: `${d.objectType}:${d.id}`,
    outcome,
    reason,
    revision,
    body: outcome === 'rejected' ? job.body : null,
    headers: outcome === 'rejected' ? job.headers : null,
  } satisfies DeliveryRecord;
}

async function realize(env: Env, tenant: string, revision: number) {
  try {
    const state = await realizerOf(env, tenant).request(tenant, revision, false);
    return state.realized >= revision ? 'realized' : state.unrealizable >= revision ? 'failed' : 'pending';
  } catch (err) {
    console.error('realization failed', err instanceof Error ? err.message : String(err));
    return 'pending';
  }
}

/**
 * Applies a batch of one tenant's verified NetBox deliveries in arrival order, with the D1 reads of the
 * whole batch, one commit (one revision, one audit entry per workload changed) and one realization:
 * what a burst costs grows with the batches, not with the deliveries.
 */
export async function applyNetboxBatch(env: Env, db: Db, jobs: readonly NetboxJob[]): Promise<JobAnswer[]> {
  const tenant = jobs[0]!.tenant;
  let out;
  try {
    const seen = seenDeliveries(
      db,
      tenant,
      'netbox',
      jobs.map((j) => j.dedupKey),
    );
    seen.catch(() => undefined); // awaited in the plan; a plan that fails first must not leave it unhandled
    out = await withGuardRetries(() => commitBatch(db, tenant, jobs, seen));
  } catch (err) {
    if (err instanceof TenantBusy)
      return jobs.map(() => ({ kind: 'failed', code: 'tenant-busy', message: err.message }));
    if (err instanceof TenantMissing)
      return jobs.map(() => ({ kind: 'failed', code: 'tenant-missing', message: err.message }));
    throw err;
  }
  if (!out.changed && out.result.length) await db.batch(out.result as [Statement, ...Statement[]]);
  const realization = out.changed ? await realize(env, tenant, out.revision) : null;
  const answers: JobAnswer[] = [];
  const records: Statement[] = [];
  for (const [i, p] of out.planned.entries()) {
    const job = jobs[i]!;
    if (p.kind === 'duplicate') {
      const reason = 'seen before; not applied again';
      records.push(recordDeliveryStatement(db, recordOf(job, 'duplicate', reason, out.revision)));
      answers.push({ kind: 'duplicate', reason, revision: out.revision });
    } else if (p.kind === 'rejected') {
      const { code, message, details } = p.error;
      records.push(recordDeliveryStatement(db, recordOf(job, 'rejected', `${code}: ${message}`, null)));
      answers.push({ kind: 'rejected', code, message, details: { ...details, delivery: job.id } });
    } else {
      const started =
        p.kind === 'applied'
          ? await Promise.all(p.moves.map((m) => startMove(env, db, tenant, m, job.dedupKey)))
          : [];
      const reason = [p.reason, ...started].join('; ');
      const outcome = p.kind === 'applied' ? 'applied' : p.kind;
      records.push(recordDeliveryStatement(db, recordOf(job, outcome, reason, out.revision)));
      answers.push({ kind: 'done', result: { outcome, reason, revision: out.revision }, realization });
    }
  }
  await db.batch(records as [Statement, ...Statement[]]);
  return answers;
}
