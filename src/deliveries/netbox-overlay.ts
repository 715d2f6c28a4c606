import {
  NETBOX_ADDRESS,
  NETBOX_INTERFACE,
  NETBOX_VM,
  type NetboxDelivery,
} from '../inventory/netbox/parse-netbox-delivery.js';
import { netboxVnicId, netboxWorkloadId } from '../inventory/netbox/netbox-workload.js';
import type { Workload } from '../policy/types.js';
import type { Db } from '../store/db.js';
import { existingHypervisors } from '../store/hypervisors.js';
import { getNetboxChildren, getNetboxObjects, type NetboxObject } from '../store/netbox-objects.js';
import { getWorkloads, vnicOwners } from '../store/workloads.js';
import type { KnownAbsent } from './netbox-index.js';

const keyOf = (objectType: string, id: number) => `${objectType}#${id}`;
const CHILD_TYPE: Record<string, string> = {
  [NETBOX_VM]: NETBOX_INTERFACE,
  [NETBOX_INTERFACE]: NETBOX_ADDRESS,
};

/**
 * The tenant's NetBox objects, workloads and vNIC owners as a batch of deliveries sees them: read from D1
 * once (prefetched for the whole batch, loaded on a miss), changed in memory delivery by delivery, and
 * each delivery's changes undone when it is rejected. What it holds at the end is what the batch writes.
 */
export class NetboxOverlay {
  readonly #objects = new Map<string, NetboxObject | null>();
  readonly #childrenLoaded = new Set<string>();
  readonly #workloads = new Map<string, Workload | null>();
  readonly #storedWorkloads = new Map<string, Workload | null>();
  readonly #vnicOwner = new Map<string, string | null>();
  readonly #hypervisors = new Map<string, boolean>();
  readonly #changedObjects = new Set<string>();
  #undo: (() => void)[] = [];

  /** `known`: what D1 cannot hold, so that it is not read; null reads every key asked for. */
  constructor(
    private readonly db: Db,
    private readonly tenant: string,
    private readonly known: KnownAbsent | null = null,
  ) {}

  /**
   * Loads in two rounds of parallel reads what these deliveries will read, so that applying them reads
   * memory: the objects named and the VMs they name with their children, then what only the stored
   * objects name (an interface's previous VM, the addresses of every interface, the vNICs' owners).
   */
  async prefetch(deliveries: readonly NetboxDelivery[]): Promise<void> {
    const ids = (type: string) => deliveries.filter((d) => d.objectType === type).map((d) => d.id);
    const vms = new Set<number>(ids(NETBOX_VM));
    for (const d of deliveries) {
      if (d.parent !== null && d.objectType === NETBOX_INTERFACE) vms.add(d.parent);
      if (d.vmHint !== null) vms.add(d.vmHint);
    }
    const addressParents = deliveries.filter((d) => d.objectType === NETBOX_ADDRESS && d.parent !== null);
    await Promise.all([
      this.#loadObjects(NETBOX_INTERFACE, [
        ...ids(NETBOX_INTERFACE),
        ...addressParents.map((d) => d.parent!),
      ]),
      this.#loadObjects(NETBOX_ADDRESS, ids(NETBOX_ADDRESS)),
      this.#loadVms([...vms]),
    ]);
    const more = [...this.#objects.values()]
      .filter((o) => o?.objectType === NETBOX_INTERFACE && o.parent !== null && !vms.has(o.parent))
      .map((o) => o!.parent!);
    await this.#loadVms(more);
    const interfaces = [...this.#objects.values()]
      .filter((o) => o?.objectType === NETBOX_INTERFACE)
      .map((o) => o!.id);
    await Promise.all([
      this.#loadChildren(NETBOX_INTERFACE, interfaces),
      this.#loadVnicOwners(interfaces.map(netboxVnicId)),
    ]);
  }

  async #loadVms(vms: number[]): Promise<void> {
    await Promise.all([
      this.#loadObjects(NETBOX_VM, vms),
      this.#loadChildren(NETBOX_VM, vms),
      this.#loadWorkloads(vms.map(netboxWorkloadId)),
    ]);
  }

  async object(objectType: string, id: number): Promise<NetboxObject | null> {
    const key = keyOf(objectType, id);
    if (!this.#objects.has(key)) await this.#loadObjects(objectType, [id]);
    return this.#objects.get(key) ?? null;
  }

  put(o: NetboxObject): void {
    const key = keyOf(o.objectType, o.id);
    this.#set(this.#objects, key, o);
    const changed = this.#changedObjects.has(key);
    this.#changedObjects.add(key);
    if (!changed) this.#undo.push(() => this.#changedObjects.delete(key));
  }

  /** The live (not deleted) children of a VM (its interfaces) or of an interface (its addresses). */
  async children(parentType: string, parent: number): Promise<NetboxObject[]> {
    const type = CHILD_TYPE[parentType]!;
    if (!this.#childrenLoaded.has(keyOf(parentType, parent))) await this.#loadChildren(parentType, [parent]);
    const out: NetboxObject[] = [];
    for (const o of this.#objects.values())
      if (o && o.objectType === type && o.parent === parent && !o.deleted) out.push(o);
    return out;
  }

  async workload(id: string): Promise<Workload | null> {
    if (!this.#workloads.has(id)) await this.#loadWorkloads([id]);
    return this.#workloads.get(id) ?? null;
  }

  /** Sets a workload (null deletes it), moving the ownership of its vNIC ids along. */
  async setWorkload(id: string, next: Workload | null): Promise<void> {
    const before = await this.workload(id);
    for (const v of before?.vnics ?? []) this.#set(this.#vnicOwner, v.id, null);
    for (const v of next?.vnics ?? []) this.#set(this.#vnicOwner, v.id, id);
    this.#set(this.#workloads, id, next);
  }

  async vnicOwner(vnic: string): Promise<string | null> {
    if (!this.#vnicOwner.has(vnic)) await this.#loadVnicOwners([vnic]);
    return this.#vnicOwner.get(vnic) ?? null;
  }

  async prefetchHypervisors(ids: readonly string[]): Promise<void> {
    for (const id of ids) if (this.known?.hypervisorKnown(id)) this.#hypervisors.set(id, true);
    const missing = [...new Set(ids)].filter((id) => !this.#hypervisors.has(id));
    if (missing.length === 0) return;
    const found = await existingHypervisors(this.db, missing);
    for (const id of missing) this.#hypervisors.set(id, found.has(id));
  }

  async hypervisorExists(id: string): Promise<boolean> {
    await this.prefetchHypervisors([id]);
    return this.#hypervisors.get(id)!;
  }

  /** Starts a delivery: what it changes from here on can be undone together. */
  begin(): void {
    this.#undo = [];
  }

  rollback(): void {
    for (const undo of this.#undo.reverse()) undo();
    this.#undo = [];
  }

  /** The hypervisors found to exist. */
  hypervisors(): string[] {
    return [...this.#hypervisors].filter(([, exists]) => exists).map(([id]) => id);
  }

  changedObjects(): NetboxObject[] {
    return [...this.#changedObjects].map((k) => this.#objects.get(k)!).filter((o) => o !== null);
  }

  /** Workloads whose state differs from what D1 holds: [id, as stored, as it is now]. */
  changedWorkloads(): [string, Workload | null, Workload | null][] {
    const out: [string, Workload | null, Workload | null][] = [];
    for (const [id, now] of this.#workloads) {
      const stored = this.#storedWorkloads.get(id) ?? null;
      if (now !== stored) out.push([id, stored, now]);
    }
    return out;
  }

  #set<V>(map: Map<string, V>, key: string, value: V): void {
    const had = map.has(key);
    const prior = map.get(key);
    map.set(key, value);
    this.#undo.push(() => (had ? map.set(key, prior as V) : map.delete(key)));
  }

  async #loadObjects(objectType: string, ids: number[]): Promise<void> {
    const missing = ids.filter((id) => !this.#objects.has(keyOf(objectType, id)));
    const read = missing.filter((id) => this.known?.mayHoldObject(objectType, id) ?? true);
    for (const o of read.length ? await getNetboxObjects(this.db, this.tenant, objectType, read) : [])
      this.#objects.set(keyOf(o.objectType, o.id), o);
    for (const id of missing)
      if (!this.#objects.has(keyOf(objectType, id))) this.#objects.set(keyOf(objectType, id), null);
  }

  /** What memory holds is newer than D1, so a loaded child never replaces one already held. */
  async #loadChildren(parentType: string, parents: number[]): Promise<void> {
    const missing = parents.filter((p) => !this.#childrenLoaded.has(keyOf(parentType, p)));
    const read = missing.filter((p) => this.known?.mayHoldChildren(parentType, p) ?? true);
    const loaded = read.length
      ? await getNetboxChildren(this.db, this.tenant, CHILD_TYPE[parentType]!, read)
      : [];
    for (const o of loaded) {
      const key = keyOf(o.objectType, o.id);
      if (!this.#objects.has(key)) this.#objects.set(key, o);
    }
    for (const p of missing) this.#childrenLoaded.add(keyOf(parentType, p));
  }

  async #loadWorkloads(ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !this.#workloads.has(id));
    const read = missing.filter((id) => this.known?.mayHoldWorkload(id) ?? true);
    const found = new Map(
      (read.length ? await getWorkloads(this.db, this.tenant, read) : []).map((w) => [w.id, w]),
    );
    for (const id of missing) {
      const w = found.get(id) ?? null;
      this.#workloads.set(id, w);
      this.#storedWorkloads.set(id, w);
      for (const v of w?.vnics ?? []) if (!this.#vnicOwner.has(v.id)) this.#vnicOwner.set(v.id, id);
    }
  }

  async #loadVnicOwners(ids: string[]): Promise<void> {
    const missing = ids.filter((id) => !this.#vnicOwner.has(id));
    const read = missing.filter((id) => this.known?.mayHoldVnic(id) ?? true);
    const owners = read.length ? await vnicOwners(this.db, this.tenant, read) : new Map<string, string>();
    for (const id of missing) this.#vnicOwner.set(id, owners.get(id) ?? null);
  }
}
