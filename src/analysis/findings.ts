import type { Packet } from './rule-space.js';

export const FINDING_KINDS = [
  'shadowed',
  'redundant',
  'correlated',
  'generalization',
  'irrelevant',
  'unused',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface RuleRef {
  policy: string;
  rule: string;
}

/** A suggested change, as data: nothing is applied. */
export type Fix =
  | { op: 'remove'; rule: RuleRef }
  | { op: 'reorder'; rule: RuleRef; before: RuleRef }
  | { op: 'merge'; rule: RuleRef; into: RuleRef }
  | { op: 'none'; reason: string };

/** Where the evidence was found: one distinct rule list, used by `vnics` vNIC directions. */
export interface Scope {
  direction: 'in' | 'out';
  vnic: string;
  vnics: number;
}

export interface Evidence {
  /** a packet of the overlap (shadowed: one an earlier rule decides; redundant: one that gets the same decision) */
  packet?: Packet;
  scope?: Scope;
  /** the default action decides some of the rule's packets the way the rule would */
  coveredByDefault?: boolean;
  /** irrelevant: what resolves to nothing */
  reason?: 'no-vnic' | 'no-service' | 'no-source-address' | 'no-destination-address' | 'no-common-family';
  /** unused: counters summed over hypervisors, and what is known of the rule's age */
  hits?: number;
  lastHit?: string | null;
  countersSince?: string;
  policyCreatedAt?: string | null;
  policyChangedAt?: string | null;
  /** seconds the counters have counted for this rule */
  countedFor?: number;
  note?: string;
}

export interface Finding {
  kind: FindingKind;
  rule: RuleRef;
  /** shadowed, redundant: the rules that decide its packets instead; correlated, generalization: the earlier rules */
  covering: RuleRef[];
  /** how many covering / related rules there are (the list holds at most `maxRelated`) */
  coveringCount: number;
  /** shadowed, redundant: no packet reaches the rule in any vNIC rule list (else it is reached, to no effect) */
  neverReached?: boolean;
  /** false when the box cap stopped the exact analysis: the kind is what the analysis suspects */
  exact: boolean;
  /** set when a residual exceeded this many boxes */
  boxCap?: number;
  message: string;
  evidence: Evidence;
  fix: Fix;
  alternatives?: Fix[];
}

export interface Analysis {
  tenant: string;
  revision: number;
  generatedAt: string;
  /** rule lists analysed (distinct vNIC direction rule lists) and rules in them */
  lists: number;
  rules: number;
  boxCap: number;
  findings: Finding[];
}
