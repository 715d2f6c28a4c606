import { WorkloadBody } from '../api/schemas/resources.js';
import type { Env } from '../env.js';
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
import { verifyNetboxSignature } from '../inventory/signatures/netbox-signature.js';
import type { Db } from '../store/db.js';
import { guardViolationOf } from '../store/guard-violation.js';
import { commitTenantChange, RevisionConflict, type AuditEntry, type Statement } from '../store/mutation.js';
import { putNetboxObjectStatements, type NetboxObject } from '../store/netbox-objects.js';
import { TenantMissing } from '../store/tenant-transaction.js';
import { recordDeliveriesStatements, type DeliveryRecord } from '../store/webhook-deliveries.js';
import type { WebhookSource } from '../store/webhook-sources.js';
import { deleteWorkloadStatements, putWorkloadStatements } from '../store/workloads.js';
import { startMove, type Move } from './moves.js';
import type { NetboxIndex } from './netbox-index.js';
import { NetboxOverlay } from './netbox-overlay.js';
import { DeliveryRejected, placeHost } from './place-host.js';
import type { JobAnswer, NetboxJob } from './types.js';

const INVENTORY = new Set([NETBOX_VM, NETBOX_INTERFACE, NETBOX_ADDRESS]);
const ACTOR = 'webhook:netbox';
const GUARD_RETRIES = 3;
/** As runTenantTransaction: how long a batch keeps re-planning after other writers committed first. */
const RETRY_BUDGET_MS = 20_000;
const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 4 * 2 ** attempt)));

type Planned =
  | { kind: 'applied'; reason: string; moves: Move[] }
  | { kind: 'stale' | 'ignored'; reason: string }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; error: DeliveryRejected }
  | { kind: 'unsigned' };

/** A job with the host map it is placed by. */
type Placed = NetboxJob & { hypervisors: Record<string, string> };

const hypervisorFor = (ov: NetboxOverlay, job: Placed, host: string | null, vm: number) =>
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
async function recompute(ov: NetboxOverlay, job: Placed, vm: number, vms: number[], moves: Move[]) {
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
async function planOne(ov: NetboxOverlay, job: Placed, seen: Set<string>): Promise<Planned> {
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
function hostsOf(jobs: readonly Placed[]): string[] {
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

/** Plans every job in arrival order over one overlay, which reads only what the index says D1 may hold. */
async function planBatch(
  db: Db,
  tenant: string,
  all: readonly Placed[],
  signed: readonly boolean[],
  index: NetboxIndex,
  seenBefore: ReadonlySet<string>,
) {
  const jobs = all.filter((_, i) => signed[i]);
  const ov = new NetboxOverlay(db, tenant, index);
  await Promise.all([ov.prefetch(jobs.map((j) => j.delivery)), ov.prefetchHypervisors(hostsOf(jobs))]);
  const seen = new Set(seenBefore);
  const planned: Planned[] = [];
  for (const [i, job] of all.entries())
    planned.push(signed[i] ? await planOne(ov, job, seen) : { kind: 'unsigned' });
  return { planned, ov, ...changeStatements(db, tenant, ov) };
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

/** Each job's deliveries-log record and answer; `started` says what each applied job's moves did. */
function outcomesOf(
  jobs: readonly NetboxJob[],
  planned: readonly Planned[],
  revision: number,
  changed: boolean,
  started: readonly string[][] = [],
) {
  const records: ReturnType<typeof recordOf>[] = [];
  const answers: JobAnswer[] = [];
  for (const [i, p] of planned.entries()) {
    const job = jobs[i]!;
    if (p.kind === 'unsigned') {
      answers.push({ kind: 'unsigned' });
    } else if (p.kind === 'duplicate') {
      const reason = 'seen before; not applied again';
      records.push(recordOf(job, 'duplicate', reason, revision));
      answers.push({ kind: 'duplicate', reason, revision });
    } else if (p.kind === 'rejected') {
      const { code, message, details } = p.error;
      records.push(recordOf(job, 'rejected', `${code}: ${message}`, null));
      answers.push({ kind: 'rejected', code, message, details: { ...details, delivery: job.id } });
    } else {
      const reason = [p.reason, ...(started[i] ?? [])].join('; ');
      const outcome = p.kind === 'applied' ? 'applied' : p.kind;
      records.push(recordOf(job, outcome, reason, revision));
      // the writer asks for realization once the batch is answered: a burst's batches coalesce into few
      const realization = changed ? 'pending' : null;
      answers.push({ kind: 'done', result: { outcome, reason, revision }, realization });
    }
  }
  return { records, answers };
}

export interface BatchOutcome {
  answers: JobAnswer[];
  /** the revision the batch committed, to be realized; null when it changed no workload */
  revision: number | null;
}

/** A delivery the Worker handed over unverified is verified against the source the writer holds. */
async function signedBy(source: WebhookSource | null, job: NetboxJob): Promise<boolean> {
  if (!job.signed) return true;
  if (!source?.enabled) return false;
  return verifyNetboxSignature(job.signed.bytes, job.signed.signature, source.secrets);
}

const failedAll = (jobs: readonly NetboxJob[], code: 'tenant-busy' | 'tenant-missing', message: string) => ({
  answers: jobs.map((): JobAnswer => ({ kind: 'failed', code, message })),
  revision: null,
});

/**
 * Applies a batch of one tenant's verified NetBox deliveries in arrival order as one D1 batch: the objects,
 * the workloads changed (one revision, one audit entry each) and every delivery's record commit together,
 * conditional on the revision the index knows; what the index knows is absent is not read, so a batch of
 * new VMs costs that one round trip. `seenBefore`: the dedup keys recorded before.
 */
export async function applyNetboxBatch(
  env: Env,
  db: Db,
  jobs: readonly NetboxJob[],
  index: NetboxIndex,
  seenBefore: ReadonlySet<string>,
): Promise<BatchOutcome> {
  const tenant = jobs[0]!.tenant;
  const started = Date.now();
  let guardRetries = 0;
  for (let attempt = 0; Date.now() - started < RETRY_BUDGET_MS; attempt++) {
    try {
      await index.ready();
    } catch (err) {
      if (!(err instanceof TenantMissing)) throw err;
      // no tenant, no source: a delivery not verified yet gets the 401 of every authentication failure
      const answers = jobs.map((j): JobAnswer =>
        j.signed ? { kind: 'unsigned' } : { kind: 'failed', code: 'tenant-missing', message: err.message },
      );
      return { answers, revision: null };
    }
    const source = index.source;
    const signed = await Promise.all(jobs.map((j) => signedBy(source, j)));
    // a secret added since the index was read: read it again before answering 401
    if (signed.includes(false) && !index.checked && !(await index.confirm())) continue;
    const placed = jobs.map((j) => ({ ...j, hypervisors: j.hypervisors ?? source?.hypervisors ?? {} }));
    const p = await planBatch(db, tenant, placed, signed, index, seenBefore);
    const moving = p.planned.some((x) => x.kind === 'applied' && x.moves.length > 0);
    const objects = p.ov.changedObjects();
    const objectStatements = putNetboxObjectStatements(db, tenant, objects);
    const changed = p.statements.length > 0;
    if (!changed && !index.checked && !(await index.confirm())) continue;
    const revision = changed ? index.revision + 1 : index.revision;
    // with moves, the records wait for what starting them said
    const early = moving ? null : outcomesOf(jobs, p.planned, revision, changed);
    const records = early ? recordDeliveriesStatements(db, early.records) : [];
    try {
      if (changed)
        await commitTenantChange(db, {
          tenant,
          revision: index.revision,
          actor: ACTOR,
          statements: [...objectStatements, ...p.statements, ...records],
          audit: p.audit,
        });
      else if (objectStatements.length + records.length > 0)
        await db.batch([...objectStatements, ...records] as [Statement, ...Statement[]]);
    } catch (err) {
      if (err instanceof RevisionConflict) {
        index.invalidate();
        await pause(attempt);
        continue;
      }
      // a hypervisor deleted after the plan looked: plan again, and the deliveries placed on it are rejected
      const guard = guardViolationOf(err);
      if (!guard) throw err;
      if (++guardRetries >= GUARD_RETRIES) throw guard;
      index.forgetHypervisors();
      continue;
    }
    const afters = p.ov.changedWorkloads().map(([, , after]) => after);
    index.wrote(objects, afters, p.ov.hypervisors(), revision);
    if (early) return { answers: early.answers, revision: changed ? revision : null };
    const moved = await Promise.all(
      p.planned.map((x, i) =>
        x.kind === 'applied'
          ? Promise.all(x.moves.map((m) => startMove(env, db, tenant, m, jobs[i]!.dedupKey)))
          : [],
      ),
    );
    const late = outcomesOf(jobs, p.planned, revision, changed, moved);
    await db.batch(recordDeliveriesStatements(db, late.records) as [Statement, ...Statement[]]);
    return { answers: late.answers, revision: changed ? revision : null };
  }
  return failedAll(jobs, 'tenant-busy', `tenant ${tenant} is changing too fast to commit this write; retry`);
}
