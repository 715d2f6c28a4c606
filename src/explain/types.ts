import type { RuleAction, RuleDirection } from '../policy/types.js';

/** One end of the packet explained: exactly one of the keys. */
export type Endpoint = { workload: string } | { vnic: string } | { ip: string };

export interface ExplainQuery {
  src: Endpoint;
  dst: Endpoint;
  /** IP protocol number */
  proto: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
}

/** What the data plane answers: action, reason and the deciding rule (null for the default and refusals). */
export interface Decision {
  action: 'allow' | 'drop' | 'reject';
  reason: string;
  rule: string | null;
  policy: string | null;
}

export type MissField = 'appliedTo' | 'direction' | 'disabled' | 'services' | 'source' | 'destination';

/** A rule looked at before the decision, and why it did not decide. */
export interface EvaluatedRule {
  policy: string;
  rule: string;
  action: RuleAction;
  /** evaluated: the packet was compared with it; skipped: not in this vNIC's list for this direction */
  outcome: 'no-match' | 'not-applied' | 'skipped-by-jump' | 'jumped';
  /** the first field that did not match (not-applied: why the rule is not in the list) */
  field: MissField | null;
  why: string;
  /** groups the address is not a member of, and what the workload fails of their criteria */
  groups?: GroupMiss[];
}

export interface GroupMiss {
  group: string;
  /** whether the address is among the group's resolved members */
  member: boolean;
  /** failing conditions of the group's criteria for the endpoint's workload, as JSON pointers and text */
  failedCriteria?: string[];
  why: string;
}

/** The decision of one rule set at one hop and the rules that came before it. */
export interface HopAnswer {
  revision: number | null;
  decision: Decision;
  evaluated: EvaluatedRule[];
}

export interface Hop extends HopAnswer {
  hypervisor: string;
  vnic: string;
  workload: string;
  direction: RuleDirection & ('in' | 'out');
  desiredRevision: number;
  realizedRevision: number | null;
  drift: boolean;
  /** with drift: the answer at the desired revision */
  desired?: HopAnswer;
}

export interface Explanation {
  verdict: Decision['action'];
  packet: { src: string; dst: string; proto: number; sport: number; dport: number; flags?: string };
  hops: Hop[];
}
