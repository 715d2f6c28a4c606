import type { CompiledRuleSet } from '../compiler/types.js';
import { packetsToBatch, verdictsToJson, type PacketFields } from '../dataplane/codec/index.js';
import { ConntrackTable } from '../dataplane/conntrack/index.js';
import { DataPlane } from '../dataplane/processor/index.js';
import type { Decision } from './types.js';

/** A vNIC handle no compiled rule set uses (they are D1 ids, from 1): the vNIC is unknown there. */
const NO_VNIC = 0;

/**
 * Scratch data planes holding one rule set each, so a decision is the data plane's own answer (spoof guard,
 * first match, jumpToApplication, reject, tcpStrict) and not a re-implementation. Kept per rule set (by
 * content hash) so repeated explains reuse the classifiers already built.
 */
export class DecisionPlanes {
  readonly #planes = new Map<string, DataPlane>();

  constructor(readonly capacity = 8) {}

  planeFor(rs: CompiledRuleSet | null): DataPlane {
    const key = rs ? `${rs.tenant}\0${rs.hypervisor}\0${rs.revision}\0${rs.hash}` : '';
    let plane = this.#planes.get(key);
    if (plane) {
      this.#planes.delete(key);
    } else {
      // one flow at most, deleted right after the packet that opened it
      const conntrack = new ConntrackTable({ maxFlows: 16, initialCapacity: 16 });
      plane = new DataPlane({ flowLogCapacity: 1, conntrack });
      if (rs) plane.applyRuleSet(rs, 0);
    }
    this.#planes.set(key, plane);
    while (this.#planes.size > this.capacity) this.#planes.delete(this.#planes.keys().next().value!);
    return plane;
  }
}

/**
 * What the data plane holding `rs` answers for the first packet of a connection (a TCP SYN) on the vNIC
 * `vnic` (null: not in the rule set), with nothing tracked yet. The plane keeps no flow of it afterwards.
 */
export function firstPacketDecision(
  planes: DecisionPlanes,
  rs: CompiledRuleSet | null,
  vnic: string,
  dir: 'in' | 'out',
  packet: Omit<PacketFields, 'dir'>,
): Decision {
  const plane = planes.planeFor(rs);
  const handle = rs?.vnics.find((v) => v.id === vnic)?.handle ?? NO_VNIC;
  const verdicts = plane.process(packetsToBatch([{ ...packet, vnic: handle, dir }]), 0);
  plane.conntrack.deleteByVnic(handle);
  plane.conntrack.takeDirty();
  const v = verdictsToJson(verdicts, (h) => plane.ruleRef(h))[0]!;
  return { action: v.action, reason: v.reason, rule: v.rule, policy: v.policy };
}
