import type { CompiledRule, CompiledRuleSet } from '../compiler/types.js';
import { policiesInEvaluationOrder } from '../compiler/rule-order.js';
import type { ResolvedGroup } from '../policy/group-resolver.js';
import type { Policy, Rule, TenantPolicyState } from '../policy/types.js';
import { analyseList, type ListOutcome } from './analyse-list.js';
import type { Evidence, Finding, FindingKind, Fix, RuleRef, Scope } from './findings.js';
import { ListWalker } from './list-walk.js';
import { familySpace, packetOf, type FamilySpace } from './rule-space.js';
import { compileTenantView, type TenantView } from './tenant-view.js';

export const DEFAULT_BOX_CAP = 64;
const DEFAULT_MAX_RELATED = 10;
const WITNESSES = 32;

/** A rule's counters summed over hypervisors (times in ms). */
export interface RuleUse {
  hits: number;
  lastHit: number | null;
  /** since when the sums count; null when no hypervisor holds the rule */
  countersSince: number | null;
}

/** ISO times of the first and last audit entry of a policy, when the audit log has them. */
export interface PolicyAge {
  createdAt: string | null;
  changedAt: string | null;
}

export interface AnalysisInput {
  state: TenantPolicyState;
  /** the tenant-wide compile, when the caller has it */
  view?: TenantView;
  /** by ruleKey(policy, rule); rules without an entry get no `unused` finding */
  use?: ReadonlyMap<string, RuleUse>;
  ages?: ReadonlyMap<string, PolicyAge>;
  /** ms */
  now: number;
  boxCap?: number;
  maxRelated?: number;
}

export interface AnalysisResult {
  lists: number;
  rules: number;
  boxCap: number;
  findings: Finding[];
}

export const ruleKey = (policy: string, rule: string) => `${policy}\u0000${rule}`;

interface Context {
  walker: ListWalker;
  space: FamilySpace;
  scope: Scope;
  outcome: ListOutcome;
}

const KIND_ORDER: Record<FindingKind, number> = {
  irrelevant: 0,
  shadowed: 1,
  redundant: 2,
  generalization: 3,
  correlated: 4,
  unused: 5,
};

/** Rule anomalies of a tenant over its compiled rules, per distinct vNIC rule list, merged per rule. */
export function analyseTenant(input: AnalysisInput): AnalysisResult {
  const { state } = input;
  const boxCap = input.boxCap ?? DEFAULT_BOX_CAP;
  const maxRelated = input.maxRelated ?? DEFAULT_MAX_RELATED;
  const { ruleSet, resolved } = input.view ?? compileTenantView(state);
  const rules = ruleSet.rules;
  const refs = rules.map((r): RuleRef => ({ policy: r.policy, rule: r.id }));
  const spaces = [familySpace(rules, 4), familySpace(rules, 6)];

  const byRule: Context[][] = rules.map(() => []);
  const lists = distinctLists(ruleSet);
  for (const { list, scope } of lists) {
    for (const space of spaces) {
      const walker = new ListWalker(rules, space.rules, list, ruleSet.defaultAction, boxCap);
      const outcomes = analyseList(walker, { maxRelated, witnesses: WITNESSES });
      for (const outcome of outcomes)
        byRule[walker.positions[outcome.pos]!]!.push({ walker, space, scope, outcome });
    }
  }

  const findings: Finding[] = [];
  const order = new Map<string, number>();
  let n = 0;
  for (const policy of policiesInEvaluationOrder(state.policies)) {
    for (const rule of policy.rules) order.set(ruleKey(policy.id, rule.id), n++);
  }
  const compiled = new Set(refs.map((r) => ruleKey(r.policy, r.rule)));
  for (const policy of state.policies) {
    for (const rule of policy.rules) {
      if (rule.disabled || compiled.has(ruleKey(policy.id, rule.id))) continue;
      findings.push(notCompiled(policy, rule, resolved, state.workloads.length > 0));
    }
  }
  rules.forEach((rule, i) => {
    const contexts = byRule[i]!;
    if (contexts.length === 0) {
      findings.push(noAddress(rule, refs[i]!));
      return;
    }
    const effect = merged(contexts, rule, refs, boxCap, maxRelated);
    findings.push(...effect);
    if (effect.some((f) => f.kind === 'shadowed' || (f.kind === 'redundant' && f.exact))) return;
    const u = unused(rule, refs[i]!, input);
    if (u) findings.push(u);
  });

  const rank = (f: Finding) => order.get(ruleKey(f.rule.policy, f.rule.rule)) ?? Infinity;
  findings.sort((a, b) => rank(a) - rank(b) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  return { lists: lists.length, rules: rules.length, boxCap, findings };
}

/** Each distinct rule list of the rule set, with one vNIC direction that uses it and how many do. */
function distinctLists(rs: CompiledRuleSet): { list: readonly number[]; scope: Scope }[] {
  const out = new Map<string, { list: readonly number[]; scope: Scope }>();
  for (const v of rs.vnics) {
    for (const direction of ['out', 'in'] as const) {
      const list = v[direction];
      const key = list.join(',');
      const seen = out.get(key);
      if (seen) seen.scope.vnics++;
      else out.set(key, { list, scope: { direction, vnic: v.id, vnics: 1 } });
    }
  }
  return [...out.values()].filter((l) => l.list.length > 0);
}

function finding(
  kind: FindingKind,
  rule: RuleRef,
  message: string,
  evidence: Evidence,
  fix: Fix,
  covering: RuleRef[] = [],
  coveringCount = covering.length,
): Finding {
  return { kind, rule, covering, coveringCount, exact: true, message, evidence, fix };
}

function notCompiled(
  policy: Policy,
  rule: Rule,
  resolved: ReadonlyMap<string, ResolvedGroup>,
  anyWorkload: boolean,
): Finding {
  const ref = { policy: policy.id, rule: rule.id };
  const scope = rule.appliedTo.length > 0 ? rule.appliedTo : policy.appliedTo;
  const noVnic =
    !anyWorkload || (scope.length > 0 && scope.every((g) => (resolved.get(g)?.vnics.length ?? 0) === 0));
  const message = noVnic
    ? scope.length > 0
      ? `applies to no vNIC: ${scope.map((g) => `group ${g}`).join(', ')} ${scope.length > 1 ? 'hold' : 'holds'} none`
      : 'applies to no vNIC: the tenant has no workloads'
    : 'matches no service: its named services have no entries';
  return finding(
    'irrelevant',
    ref,
    message,
    { reason: noVnic ? 'no-vnic' : 'no-service' },
    { op: 'remove', rule: ref },
  );
}

function noAddress(rule: CompiledRule, ref: RuleRef): Finding {
  const empty = (m: CompiledRule['src']) =>
    !m.any && !m.negate && m.set.v4.length === 0 && m.set.v6.length === 0;
  const reason = empty(rule.src)
    ? 'no-source-address'
    : empty(rule.dst)
      ? 'no-destination-address'
      : 'no-common-family';
  const message =
    reason === 'no-source-address'
      ? 'can match nothing: its sources resolve to no address'
      : reason === 'no-destination-address'
        ? 'can match nothing: its destinations resolve to no address'
        : 'can match nothing: its sources and destinations share no address family';
  return finding('irrelevant', ref, message, { reason }, { op: 'remove', rule: ref });
}

function describe(refs: readonly RuleRef[]): string {
  const shown = refs.slice(0, 3).map((r) => `${r.policy}/${r.rule}`);
  return refs.length > 3 ? `${shown.join(', ')} and ${refs.length - 3} more` : shown.join(', ');
}

function merged(
  contexts: Context[],
  rule: CompiledRule,
  refs: readonly RuleRef[],
  boxCap: number,
  maxRelated: number,
): Finding[] {
  const ref = refs[contexts[0]!.walker.positions[contexts[0]!.outcome.pos]!]!;
  const effect = contexts.map((c) =>
    c.outcome.reachable === false || c.outcome.noEffect === true
      ? 'none'
      : c.outcome.noEffect === false
        ? 'some'
        : 'unknown',
  );
  const capped = contexts.some((c) => c.outcome.capped);
  if (!effect.includes('some')) {
    const never = contexts.every((c) => c.outcome.reachable === false);
    const shadowed = never && contexts.some((c) => c.outcome.shadowed);
    const shown =
      contexts.find((c) => c.outcome.shadowed) ?? contexts.find((c) => c.outcome.sample) ?? contexts[0]!;
    const covering = uniqueRefs(
      contexts.flatMap((c) => c.outcome.covering.map((p) => refs[c.walker.positions[p]!]!)),
    );
    const evidence = evidenceOf(shown);
    if (contexts.some((c) => c.outcome.coveredByDefault)) evidence.coveredByDefault = true;
    const exact = !effect.includes('unknown');
    const jumpInApp = rule.action === 'jumpToApplication' && rule.category === 'application';
    let message: string;
    if (jumpInApp) message = 'redundant: jumpToApplication inside the application category decides nothing';
    else if (shadowed)
      message = `never reached: ${describe(covering)} decide${covering.length === 1 ? 's' : ''} all its packets, not all as it would`;
    else if (never)
      message = `never reached: ${describe(covering)} already decide${covering.length === 1 ? 's' : ''} all its packets the same way`;
    else {
      const by = [
        ...(covering.length ? [describe(covering)] : []),
        ...(evidence.coveredByDefault ? ['the default action'] : []),
      ];
      message = `removing it changes no decision: ${by.join(' and ')} decide${by.length === 1 && covering.length <= 1 ? 's' : ''} its packets the same way`;
    }
    if (!exact) message += ` (not proven: a residual exceeded ${boxCap} boxes)`;
    const f = finding(
      shadowed ? 'shadowed' : 'redundant',
      ref,
      message,
      evidence,
      { op: 'remove', rule: ref },
      covering.slice(0, maxRelated),
      covering.length,
    );
    f.exact = exact;
    f.neverReached = never;
    if (capped) f.boxCap = boxCap;
    if (shadowed) {
      const first = contexts
        .flatMap((c) => c.outcome.covering.map((p) => ({ c, p })))
        .find(({ c, p }) => c.walker.keys[p] !== c.walker.keys[c.outcome.pos]);
      if (first)
        f.alternatives = [{ op: 'reorder', rule: ref, before: refs[first.c.walker.positions[first.p]!]! }];
    }
    return [f];
  }
  if (rule.action === 'jumpToApplication') return [];
  const out: Finding[] = [];
  for (const kind of ['generalization', 'correlated'] as const) {
    const related = contexts.flatMap((c) =>
      c.outcome.related.filter((r) => r.kind === kind).map((r) => ({ c, r })),
    );
    if (related.length === 0) continue;
    const covering = uniqueRefs(related.map(({ c, r }) => refs[c.walker.positions[r.pos]!]!));
    const count = Math.max(covering.length, ...contexts.map((c) => c.outcome.relatedCount[kind]));
    const { c, r } = related[0]!;
    const evidence: Evidence = { packet: packetOf(c.space.axis, r.sample), scope: c.scope };
    const first = covering[0]!;
    out.push(
      kind === 'generalization'
        ? finding(
            kind,
            ref,
            `a broader rule after ${count === 1 ? 'an exception' : `${count} exceptions`} with another action: ${describe(covering)}`,
            evidence,
            {
              op: 'none',
              reason: 'an exception before a broader rule is the usual way to write one; check it is meant',
            },
            covering,
            count,
          )
        : finding(
            kind,
            ref,
            `overlaps ${count === 1 ? 'an earlier rule' : `${count} earlier rules`} with another action, neither covering the other: ${describe(covering)}; the earlier one decides the overlap`,
            evidence,
            { op: 'reorder', rule: ref, before: first },
            covering,
            count,
          ),
    );
  }
  return out;
}

function uniqueRefs(refs: RuleRef[]): RuleRef[] {
  const seen = new Map<string, RuleRef>();
  for (const r of refs) seen.set(ruleKey(r.policy, r.rule), r);
  return [...seen.values()];
}

function evidenceOf(c: Context): Evidence {
  const e: Evidence = { scope: c.scope };
  if (c.outcome.sample) e.packet = packetOf(c.space.axis, c.outcome.sample);
  if (c.outcome.note) e.note = c.outcome.note;
  return e;
}

function unused(rule: CompiledRule, ref: RuleRef, input: AnalysisInput): Finding | null {
  if (rule.action === 'jumpToApplication') return null; // the data plane counts the rule that decides, never a jump
  const use = input.use?.get(ruleKey(ref.policy, ref.rule));
  if (!use || use.countersSince === null || use.hits > 0) return null;
  const age = input.ages?.get(ref.policy);
  const since = new Date(use.countersSince).toISOString();
  const countedFor = Math.max(0, Math.round((input.now - use.countersSince) / 1000));
  return finding(
    'unused',
    ref,
    `no hit since ${since} (counted for ${countedFor} s)${age?.createdAt ? `; its policy exists since ${age.createdAt}` : ''}`,
    {
      hits: 0,
      lastHit: use.lastHit === null ? null : new Date(use.lastHit).toISOString(),
      countersSince: since,
      countedFor,
      policyCreatedAt: age?.createdAt ?? null,
      policyChangedAt: age?.changedAt ?? null,
    },
    { op: 'remove', rule: ref },
  );
}
