import type { AddressSet } from '../net/address-set.js';
import { AddressSetBuilder, mergeAddressSets } from '../net/address-set.js';
import { validateCriteria } from './criteria.js';
import { type IndexSet, unionAll } from './index-set.js';
import { PolicyError } from './policy-error.js';
import type { Group, Workload } from './types.js';
import { VnicInventory } from './vnic-inventory.js';
import { WorkloadIndex } from './workload-index.js';

/**
 * A group's members. `workloads` are the workloads that are members as a whole (static, by criteria or through
 * a nested group), in inventory order; `vnics` also holds vNICs added one by one. `addresses` holds the IPs of
 * every member vNIC plus the CIDR members. Ids and addresses are materialized on first read and memoized;
 * values may share arrays: treat them as immutable.
 */
export interface ResolvedGroup {
  readonly id: string;
  readonly workloads: readonly string[];
  readonly vnics: readonly string[];
  readonly addresses: AddressSet;
}

export interface ResolveOptions {
  /** Resolve only these groups (and what they nest); by default every group, which also rejects any cycle. */
  only?: readonly string[];
}

interface Membership {
  workloads: IndexSet;
  vnics: IndexSet;
  /** CIDR members, own and nested */
  cidrs: AddressSet;
  /** vNIC addresses plus CIDRs, computed on first use */
  addresses?: AddressSet;
}

/**
 * Resolves groups to members. Static workload / vNIC ids that are not in the inventory are ignored (the object
 * may be created later); an unknown nested group, a cycle, a bad CIDR or bad criteria throw PolicyError.
 */
export function resolveGroups(
  workloads: readonly Workload[],
  groups: readonly Group[],
  options: ResolveOptions = {},
): Map<string, ResolvedGroup> {
  const resolver = new GroupResolver(workloads, groups);
  const ids = options.only ?? groups.map((g) => g.id);
  const out = new Map<string, ResolvedGroup>();
  for (const id of ids) {
    if (!resolver.has(id)) throw new PolicyError('unknown-group', `unknown group "${id}"`, { group: id });
    out.set(id, resolver.resolved(id));
  }
  return out;
}

class GroupResolver {
  private readonly byId = new Map<string, Group>();
  private readonly memo = new Map<string, Membership>();
  private readonly stack: string[] = [];
  private readonly onStack = new Set<string>();
  private readonly inventory: VnicInventory;
  private index: WorkloadIndex | undefined;

  constructor(
    private readonly workloads: readonly Workload[],
    groups: readonly Group[],
  ) {
    for (const group of groups) this.byId.set(group.id, group);
    this.inventory = new VnicInventory(workloads);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  resolved(id: string): ResolvedGroup {
    return new LazyResolvedGroup(id, this.membership(id), this.inventory);
  }

  private membership(id: string): Membership {
    const done = this.memo.get(id);
    if (done) return done;
    if (this.onStack.has(id)) {
      const cycle = [...this.stack.slice(this.stack.indexOf(id)), id];
      throw new PolicyError('group-cycle', `groups nest in a cycle: ${cycle.join(' -> ')}`, {
        group: id,
        cycle,
      });
    }
    this.stack.push(id);
    this.onStack.add(id);
    const m = this.compute(this.byId.get(id)!);
    this.stack.pop();
    this.onStack.delete(id);
    this.memo.set(id, m);
    return m;
  }

  private compute(group: Group): Membership {
    const inv = this.inventory;
    const nested = group.members.groups.map((child) => {
      if (!this.byId.has(child)) {
        throw new PolicyError('unknown-group', `group "${group.id}" nests unknown group "${child}"`, {
          group: group.id,
          missing: child,
        });
      }
      return this.membership(child);
    });
    const workloads = unionAll(
      [
        this.staticIndices(group.members.workloads, (id) => inv.workload(id)),
        group.criteria ? this.matchCriteria(group) : [],
        ...nested.map((m) => m.workloads),
      ],
      inv.workloadIds.length,
    );
    const vnics = unionAll(
      [
        inv.vnicsOf(workloads),
        this.staticIndices(group.members.vnics, (id) => inv.vnic(id)),
        ...nested.map((m) => m.vnics),
      ],
      inv.vnicCount,
    );
    const cidrBuilder = new AddressSetBuilder();
    for (const cidr of group.members.cidrs) {
      if (!cidrBuilder.addCidr(cidr)) {
        throw new PolicyError('invalid-cidr', `group "${group.id}" has invalid CIDR "${cidr}"`, {
          group: group.id,
          cidr,
        });
      }
    }
    for (const m of nested) cidrBuilder.addSet(m.cidrs);
    const cidrs = cidrBuilder.build();
    return { workloads, vnics, cidrs };
  }

  private matchCriteria(group: Group): IndexSet {
    try {
      validateCriteria(group.criteria);
    } catch (e) {
      if (e instanceof PolicyError) e.details.group = group.id;
      throw e;
    }
    this.index ??= new WorkloadIndex(this.workloads);
    return this.index.match(group.criteria!);
  }

  private staticIndices(ids: readonly string[], lookup: (id: string) => number | undefined): IndexSet {
    const out: number[] = [];
    for (const id of ids) {
      const i = lookup(id);
      if (i !== undefined) out.push(i);
    }
    return out.length <= 1 ? out : [...new Set(out)].sort((a, b) => a - b);
  }
}

/** Maps member indices to ids on first use: most callers read the ids of few groups. */
class LazyResolvedGroup implements ResolvedGroup {
  private workloadIds: string[] | undefined;
  private vnicIds: string[] | undefined;

  constructor(
    readonly id: string,
    private readonly membership: Membership,
    private readonly inventory: VnicInventory,
  ) {}

  get workloads(): readonly string[] {
    return (this.workloadIds ??= this.membership.workloads.map((i) => this.inventory.workloadIds[i]!));
  }

  get vnics(): readonly string[] {
    return (this.vnicIds ??= this.membership.vnics.map((i) => this.inventory.vnicIds[i]!));
  }

  get addresses(): AddressSet {
    const m = this.membership;
    return (m.addresses ??= mergeAddressSets(this.inventory.addressesOf(m.vnics), m.cidrs));
  }

  toJSON(): { id: string; workloads: readonly string[]; vnics: readonly string[]; addresses: AddressSet } {
    return { id: this.id, workloads: this.workloads, vnics: this.vnics, addresses: this.addresses };
  }
}
