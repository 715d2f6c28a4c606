import { parseIP } from '../net/ip.js';
import type { AddressSet } from '../net/address-set.js';
import type { IndexSet } from './index-set.js';
import { PolicyError } from './policy-error.js';
import { RankedAddresses } from './ranked-addresses.js';
import type { Workload } from './types.js';

/**
 * The workloads' vNICs numbered 0..n-1 in inventory order, with their addresses parsed once. The vNICs of
 * workload i are the contiguous indices vnicStart[i] .. vnicStart[i + 1] - 1.
 */
export class VnicInventory {
  readonly workloadIds: string[];
  readonly vnicIds: string[] = [];
  readonly vnicStart: number[] = [];
  private readonly v4: number[][] = [];
  private readonly v6: number[][] = [];
  private ranked: RankedAddresses | undefined;
  private readonly workloadIndex = new Map<string, number>();
  private readonly vnicIndex = new Map<string, number>();

  constructor(workloads: readonly Workload[]) {
    this.workloadIds = workloads.map((w) => w.id);
    workloads.forEach((w, i) => {
      this.workloadIndex.set(w.id, i);
      this.vnicStart.push(this.vnicIds.length);
      for (const vnic of w.vnics) {
        this.vnicIndex.set(vnic.id, this.vnicIds.length);
        this.vnicIds.push(vnic.id);
        const vnicV4: number[] = [];
        const vnicV6: number[] = [];
        for (const ip of vnic.ips) {
          const parsed = parseIP(ip);
          if (!parsed) {
            throw new PolicyError(
              'invalid-address',
              `vNIC ${vnic.id} of ${w.id} has invalid address "${ip}"`,
              {
                workload: w.id,
                vnic: vnic.id,
                address: ip,
              },
            );
          }
          if (parsed.family === 4) vnicV4.push(parsed.v4);
          else vnicV6.push(...parsed.v6);
        }
        this.v4.push(vnicV4);
        this.v6.push(vnicV6);
      }
    });
    this.vnicStart.push(this.vnicIds.length);
  }

  /** The addresses of a set of vNICs, sorted and merged. */
  addressesOf(vnics: IndexSet): AddressSet {
    this.ranked ??= new RankedAddresses(this.v4, this.v6);
    return this.ranked.of(vnics);
  }

  get vnicCount(): number {
    return this.vnicIds.length;
  }

  workload(id: string): number | undefined {
    return this.workloadIndex.get(id);
  }

  vnic(id: string): number | undefined {
    return this.vnicIndex.get(id);
  }

  /** The vNIC indices of a sorted set of workload indices, sorted. */
  vnicsOf(workloads: readonly number[]): number[] {
    const out: number[] = [];
    for (const w of workloads) for (let v = this.vnicStart[w]!; v < this.vnicStart[w + 1]!; v++) out.push(v);
    return out;
  }
}
