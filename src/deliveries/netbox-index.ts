import { NETBOX_ADDRESS, NETBOX_INTERFACE, NETBOX_VM } from '../inventory/netbox/parse-netbox-delivery.js';
import type { Workload } from '../policy/types.js';
import type { Db } from '../store/db.js';
import { netboxKeys, tenantStamp, type TenantStamp } from '../store/netbox-keys.js';
import type { NetboxObject } from '../store/netbox-objects.js';
import { TenantMissing } from '../store/tenant-transaction.js';
import type { WebhookSource } from '../store/webhook-sources.js';

/** After this long without a commit of its own the index asks D1 whether the tenant moved before it is used. */
const TRUST_MS = 1_000;

const keyOf = (objectType: string, id: number) => `${objectType}#${id}`;
const PARENT_TYPE: Record<string, string> = {
  [NETBOX_INTERFACE]: NETBOX_VM,
  [NETBOX_ADDRESS]: NETBOX_INTERFACE,
};

/** What the overlay may skip reading: only keys the index knows D1 cannot hold. */
export interface KnownAbsent {
  mayHoldObject(objectType: string, id: number): boolean;
  mayHoldChildren(parentType: string, parent: number): boolean;
  mayHoldWorkload(id: string): boolean;
  mayHoldVnic(id: string): boolean;
  hypervisorKnown(id: string): boolean;
}

/**
 * The tenant writer's memory of which NetBox objects, workloads and vNIC ids exist in D1 (keys only), valid
 * at one tenant revision: a batch of new VMs then reads nothing. The writer keeps it in step with its own
 * commits, which are conditional on that revision; any other write moves the revision, the conditional
 * commit fails, and the index is read again. Extra keys (something since deleted) only cost a read.
 */
export class NetboxIndex implements KnownAbsent {
  #stamp: TenantStamp | null = null;
  #source: WebhookSource | null = null;
  #checkedAt = 0;
  #objects = new Set<string>();
  #parents = new Set<string>();
  #workloads = new Set<string>();
  #vnics = new Set<string>();
  readonly #hypervisors = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly tenant: string,
  ) {}

  /** The tenant's NetBox source at that revision. */
  get source(): WebhookSource | null {
    return this.#source;
  }

  /** The revision the next commit must be conditional on. */
  get revision(): number {
    return this.#stamp!.revision;
  }

  /** Whether the revision was read from D1 just now (by this call's `ready`), not assumed from memory. */
  checked = false;

  /** Makes the index valid for the tenant as it is now; TenantMissing when there is none. */
  async ready(): Promise<void> {
    this.checked = false;
    if (this.#stamp && Date.now() - this.#checkedAt > TRUST_MS) this.checked = await this.confirm();
    if (this.#stamp) return;
    const keys = await netboxKeys(this.db, this.tenant);
    if (!keys.stamp) throw new TenantMissing(`tenant ${this.tenant} does not exist`);
    this.#objects = new Set();
    this.#parents = new Set();
    for (const o of keys.objects) this.#addObject(o);
    this.#workloads = new Set(keys.workloads);
    this.#vnics = new Set(keys.vnics);
    this.#source = keys.source;
    this.#stamp = keys.stamp;
    this.#checkedAt = Date.now();
    this.checked = true;
  }

  /** Whether the tenant is still at the revision the index holds (read from D1); invalidates it if not. */
  async confirm(): Promise<boolean> {
    const now = await tenantStamp(this.db, this.tenant);
    if (now?.revision === this.#stamp?.revision && now?.createdAt === this.#stamp?.createdAt) {
      this.#checkedAt = Date.now();
      return true;
    }
    this.invalidate();
    return false;
  }

  invalidate(): void {
    this.#stamp = null;
  }

  /** A hypervisor deleted after it was seen (the commit's guard said so). */
  forgetHypervisors(): void {
    this.#hypervisors.clear();
  }

  /** What a batch wrote: at `revision` when it committed one, else objects alone at the same revision. */
  wrote(
    objects: readonly NetboxObject[],
    workloads: readonly (Workload | null)[],
    hypervisors: readonly string[],
    revision: number,
  ): void {
    for (const o of objects) this.#addObject(o);
    for (const w of workloads) {
      if (!w) continue;
      this.#workloads.add(w.id);
      for (const v of w.vnics) this.#vnics.add(v.id);
    }
    for (const h of hypervisors) this.#hypervisors.add(h);
    this.#stamp = { ...this.#stamp!, revision };
    this.#checkedAt = Date.now();
  }

  #addObject(o: { objectType: string; id: number; parent: number | null }): void {
    this.#objects.add(keyOf(o.objectType, o.id));
    const parentType = PARENT_TYPE[o.objectType];
    if (parentType && o.parent !== null) this.#parents.add(keyOf(parentType, o.parent));
  }

  mayHoldObject(objectType: string, id: number): boolean {
    return this.#objects.has(keyOf(objectType, id));
  }

  mayHoldChildren(parentType: string, parent: number): boolean {
    return this.#parents.has(keyOf(parentType, parent));
  }

  mayHoldWorkload(id: string): boolean {
    return this.#workloads.has(id);
  }

  mayHoldVnic(id: string): boolean {
    return this.#vnics.has(id);
  }

  hypervisorKnown(id: string): boolean {
    return this.#hypervisors.has(id);
  }
}
