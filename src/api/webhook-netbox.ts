import type { Context } from 'hono';
import { migrationOf } from '../env.js';
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
import { getHypervisor } from '../store/hypervisors.js';
import type { AuditEntry, Statement } from '../store/mutation.js';
import {
  getNetboxObject,
  loadNetboxVm,
  putNetboxObject,
  restoreNetboxObject,
  type NetboxObject,
} from '../store/netbox-objects.js';
import { runTenantTransaction } from '../store/tenant-transaction.js';
import { getTenant } from '../store/tenants.js';
import type { WebhookSource } from '../store/webhook-sources.js';
import {
  deleteWorkloadStatements,
  getWorkload,
  putWorkloadStatements,
  vnicOwners,
  vnicsOfWorkload,
} from '../store/workloads.js';
import { sha256Hex } from '../inventory/signatures/constant-time.js';
import type { AppEnv } from './context.js';
import { ApiError, tenantWriteError, unprocessable } from './errors.js';
import { realizeAfterWrite } from './realize-hook.js';
import { WorkloadBody } from './schemas/resources.js';
import { formatPath } from './validation.js';

export interface DeliveryResult {
  outcome: 'applied' | 'stale' | 'ignored';
  reason: string | null;
  revision: number;
}

const INVENTORY = new Set([NETBOX_VM, NETBOX_INTERFACE, NETBOX_ADDRESS]);

export interface Move {
  workload: string;
  from: string;
  to: string;
}

/** A migration id derived from the delivery, so that a redelivery never moves the workload twice. */
export async function migrationIdOf(dedupKey: string, workload: string): Promise<string> {
  return `m-wh-${(await sha256Hex(new TextEncoder().encode(`${dedupKey}/${workload}`))).slice(0, 24)}`;
}

/** The hypervisor a NetBox host stands for, or a 422 that rejects the delivery. */
export async function hypervisorFor(db: Db, source: WebhookSource, host: string | null, vm: number | string) {
  if (host === null)
    throw unprocessable('unknown-hypervisor', `VM ${vm} has neither a device nor a cluster to place it on`);
  const id = source.hypervisors[host] ?? host;
  if (!(await getHypervisor(db, id)))
    throw unprocessable(
      'unknown-hypervisor',
      `host "${host}" maps to no hypervisor: add it to the source's hypervisors map`,
      { host, hypervisor: id },
    );
  return id;
}

function assertStorable(w: Workload): void {
  const { id: _id, ...body } = w;
  const parsed = WorkloadBody.safeParse(body);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  throw unprocessable(
    'invalid-workload',
    `${formatPath('workload', issue.path as (string | number)[])}: ${issue.message}`,
  );
}

async function vmsAffected(db: Db, t: string, d: NetboxDelivery, before: NetboxObject | null) {
  if (d.objectType === NETBOX_VM) return [d.id];
  if (d.objectType === NETBOX_INTERFACE) return [before?.parent ?? null, d.parent];
  const vmOf = async (iface: number | null) =>
    iface === null ? null : ((await getNetboxObject(db, t, NETBOX_INTERFACE, iface))?.parent ?? null);
  return [await vmOf(before?.parent ?? null), await vmOf(d.parent), d.vmHint];
}

/**
 * Applies one verified NetBox delivery: the object is stored as received, then every workload it
 * touches is recomputed from what is stored, so deliveries converge whatever order they come in.
 */
export async function applyNetbox(
  c: Context<AppEnv>,
  t: string,
  source: WebhookSource,
  d: NetboxDelivery,
  dedupKey: string,
): Promise<DeliveryResult> {
  const db = c.get('db');
  if (!INVENTORY.has(d.objectType))
    return {
      outcome: 'ignored',
      reason: `${d.objectType} is no inventory object`,
      revision: await revisionOf(db, t),
    };
  const before = await getNetboxObject(db, t, d.objectType, d.id);
  if (before && isOlder(d.timestamp, before.timestamp))
    return {
      outcome: 'stale',
      reason: `${d.objectType} ${d.id} was last changed at ${before.timestamp}`,
      revision: await revisionOf(db, t),
    };
  const key = { objectType: d.objectType, id: d.id };
  await putNetboxObject(db, t, {
    ...key,
    timestamp: d.timestamp,
    parent: d.parent,
    deleted: d.event === 'deleted',
    data: d.data,
  });
  const vms = [...new Set((await vmsAffected(db, t, d, before)).filter((v) => v !== null))];
  let moves: Move[] = [];
  let out;
  try {
    out = await runTenantTransaction(db, { tenant: t, expected: null, actor: 'webhook:netbox' }, async () => {
      moves = [];
      const statements: Statement[] = [];
      const audit: AuditEntry[] = [];
      for (const vm of vms) {
        const stored = await loadNetboxVm(db, t, vm);
        const id = netboxWorkloadId(vm);
        const existing = await getWorkload(db, t, id);
        const hypervisor = stored.vm ? await hypervisorFor(db, source, netboxHostOf(stored.vm), vm) : '';
        const next = netboxWorkload(stored.vm, stored.interfaces, stored.addresses, hypervisor);
        if (!next) {
          if (!existing) continue;
          statements.push(...deleteWorkloadStatements(db, t, id));
          audit.push({ action: 'delete', kind: 'workload', id, before: existing, after: null });
          continue;
        }
        assertStorable(next);
        const written = existing ? { ...next, hypervisor: existing.hypervisor } : next;
        if (existing && existing.hypervisor !== next.hypervisor)
          moves.push({ workload: id, from: existing.hypervisor, to: next.hypervisor });
        if (existing && canonicalJson(existing) === canonicalJson(written)) continue;
        const owners = await vnicOwners(
          db,
          t,
          written.vnics.map((v) => v.id),
        );
        for (const [vnic, owner] of owners)
          if (owner !== id && !vms.includes(Number(owner.slice('netbox-vm-'.length))))
            throw unprocessable('vnic-taken', `vNIC "${vnic}" belongs to workload "${owner}"`);
        statements.push(...putWorkloadStatements(db, t, written, 'netbox'));
        audit.push({
          action: existing ? 'update' : 'create',
          kind: 'workload',
          id,
          before: existing,
          after: written,
        });
      }
      if (statements.length === 0) return { unchanged: null };
      return { result: null, statements, audit };
    });
  } catch (err) {
    await restoreNetboxObject(db, t, key, before);
    throw err instanceof ApiError ? err : tenantWriteError(err, t);
  }
  if (out.changed) await realizeAfterWrite(c, t, out.revision, { async: true });
  const started = await Promise.all(moves.map((m) => startMove(c, t, m, dedupKey)));
  const changed = out.changed
    ? `recomputed ${vms.map(netboxWorkloadId).join(', ')}`
    : vms.length
      ? `kept; ${vms.map(netboxWorkloadId).join(', ')} unchanged`
      : 'kept until its interface and virtual machine are known (or it is assigned to one)';
  return { outcome: 'applied', reason: [changed, ...started].join('; '), revision: out.revision };
}

export async function revisionOf(db: Db, t: string): Promise<number> {
  return (await getTenant(db, t))?.revision ?? 0;
}

/** A host change is a migration (SPEC §5), which moves the workload's flows and then the workload. */
export async function startMove(c: Context<AppEnv>, t: string, m: Move, dedupKey: string): Promise<string> {
  const vnics = (await vnicsOfWorkload(c.get('db'), t, m.workload)).map((v) => ({
    handle: v.handle,
    id: v.id,
    tenant: t,
  }));
  const id = await migrationIdOf(dedupKey, m.workload);
  const out = await migrationOf(c.env, t, m.workload).start({
    id,
    tenant: t,
    workload: m.workload,
    from: m.from,
    to: m.to,
    vnics,
  });
  return out.ok
    ? `migration ${id} moves ${m.workload} to ${m.to}`
    : `${m.workload} is already being moved by migration ${out.activeId}`;
}
