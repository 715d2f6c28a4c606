import { useState } from 'preact/hooks';
import { get, sinceRevision, tenantPath } from '../api.js';
import { download } from '../export.js';
import { num, proto, time } from '../format.js';
import { usePoll } from '../poll.js';
import { ruleHref } from '../route.js';
import {
  FINDING_KINDS,
  type Analysis,
  type Finding,
  type FindingKind,
  type Fix,
  type RuleRef,
} from '../../../src/analysis/findings.js';
import type { Packet } from '../../../src/analysis/rule-space.js';
import { Badge, Empty, Live, Section, Status } from '../ui.js';

const MEANING: Record<FindingKind, string> = {
  shadowed: 'never reached: earlier rules, alone or together, decide all its packets another way',
  redundant: 'removing it changes no decision',
  correlated: 'overlaps an earlier rule with another action; neither covers the other',
  generalization: 'a broader rule after a narrower exception with another action',
  irrelevant: 'can match nothing',
  unused: 'no hit since the counter baseline',
};

const IRRELEVANT: Record<string, string> = {
  'no-vnic': 'applies to no vNIC',
  'no-service': 'its services have no entries',
  'no-source-address': 'sources resolve to no address',
  'no-destination-address': 'destinations resolve to no address',
  'no-common-family': 'sources and destinations share no address family',
};

export const packetText = (p: Packet): string =>
  `${p.src} → ${p.dst} ${proto(p.proto)}` +
  (p.icmpType !== undefined
    ? ` type ${p.icmpType} code ${p.icmpCode ?? 0}`
    : p.dport !== undefined
      ? ` ${p.sport ?? '*'} → ${p.dport}`
      : '');

const duration = (s: number): string =>
  s < 120
    ? `${Math.round(s)} s`
    : s < 7200
      ? `${Math.round(s / 60)} min`
      : s < 172800
        ? `${Math.round(s / 3600)} h`
        : `${Math.round(s / 86400)} days`;

function RuleLink({ tenant, r }: { tenant: string; r: RuleRef }) {
  return (
    <a href={ruleHref(tenant, r.policy, r.rule)} data-rule-link={`${r.policy}/${r.rule}`}>
      {r.policy}/{r.rule}
    </a>
  );
}

function FixText({ tenant, fix }: { tenant: string; fix: Fix }) {
  switch (fix.op) {
    case 'remove':
      return (
        <>
          remove <RuleLink tenant={tenant} r={fix.rule} />
        </>
      );
    case 'reorder':
      return (
        <>
          move <RuleLink tenant={tenant} r={fix.rule} /> before <RuleLink tenant={tenant} r={fix.before} />
        </>
      );
    case 'merge':
      return (
        <>
          merge <RuleLink tenant={tenant} r={fix.rule} /> into <RuleLink tenant={tenant} r={fix.into} />
        </>
      );
    case 'none':
      return <>none: {fix.reason}</>;
  }
}

function Evidence({ f }: { f: Finding }) {
  const e = f.evidence;
  if (f.kind === 'unused')
    return (
      <dl class="facts">
        <dt>hits</dt>
        <dd>
          {num(e.hits)}
          {e.lastHit ? ` (last ${time(e.lastHit)})` : ''}
        </dd>
        <dt>counters since</dt>
        <dd>
          {time(e.countersSince)}
          {e.countedFor !== undefined && ` (${duration(e.countedFor)})`}
        </dd>
        <dt>policy created</dt>
        <dd>{time(e.policyCreatedAt)}</dd>
        <dt>policy changed</dt>
        <dd>{time(e.policyChangedAt)}</dd>
      </dl>
    );
  return (
    <>
      {e.packet && (
        <div>
          sample <code data-testid="packet">{packetText(e.packet)}</code>
        </div>
      )}
      {e.scope && (
        <div class="muted">
          on {e.scope.vnic} {e.scope.direction}
          {e.scope.vnics > 1 ? ` (and ${e.scope.vnics - 1} more vNIC directions with that rule list)` : ''}
        </div>
      )}
      {e.reason && <div>{IRRELEVANT[e.reason] ?? e.reason}</div>}
      {e.coveredByDefault && <div class="muted">partly decided the same way by the default action</div>}
      {e.note && <div class="muted">{e.note}</div>}
    </>
  );
}

function KindTable({ tenant, kind, findings }: { tenant: string; kind: FindingKind; findings: Finding[] }) {
  return (
    <section class="finding-kind" data-kind={kind}>
      <h3>
        {kind} <Badge kind={findings.length ? 'warn' : 'ok'}>{num(findings.length)}</Badge>{' '}
        <span class="muted">{MEANING[kind]}</span>
      </h3>
      {findings.length > 0 && (
        <table class="grid" data-testid={`findings-${kind}`}>
          <thead>
            <tr>
              <th>rule</th>
              <th>{kind === 'correlated' || kind === 'generalization' ? 'earlier rules' : 'covered by'}</th>
              <th>evidence</th>
              <th>suggested fix</th>
              <th>finding</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f) => (
              <tr key={`${f.rule.policy}/${f.rule.rule}`} data-finding={`${f.rule.policy}/${f.rule.rule}`}>
                <td>
                  <RuleLink tenant={tenant} r={f.rule} />
                  {!f.exact && <Badge kind="warn">not exact (box cap {f.boxCap})</Badge>}
                  {f.neverReached && kind === 'redundant' && <Badge kind="info">never reached</Badge>}
                </td>
                <td>
                  {f.covering.length === 0
                    ? '—'
                    : f.covering.map((r, i) => (
                        <div key={i}>
                          <RuleLink tenant={tenant} r={r} />
                        </div>
                      ))}
                  {f.coveringCount > f.covering.length && (
                    <div class="muted">and {num(f.coveringCount - f.covering.length)} more</div>
                  )}
                </td>
                <td>
                  <Evidence f={f} />
                </td>
                <td>
                  <FixText tenant={tenant} fix={f.fix} />
                  {f.alternatives?.map((a, i) => (
                    <div key={i} class="muted">
                      or <FixText tenant={tenant} fix={a} />
                    </div>
                  ))}
                </td>
                <td>{f.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** SPEC §12 analysis: re-read when the tenant's revision moves (an analysis of 10,000 rules takes seconds). */
export function AnalysisView({ tenant }: { tenant: string }) {
  const path = tenantPath(tenant, '/analysis');
  const polled = usePoll(
    (prev: { revision: number; value: Analysis } | undefined) =>
      sinceRevision(tenant, prev, () => get<Analysis>(path)),
    5000,
    [tenant],
  );
  const [error, setError] = useState<string | null>(null);
  const csv = (revision: number) => {
    setError(null);
    download(`${path}?format=csv`, `analysis-${tenant}-r${revision}.csv`).catch((err: unknown) =>
      setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <Section title="Analysis of the rules" extra={<Live at={polled.at} />}>
      <Status polled={polled}>
        {({ value: a }) => {
          const byKind = new Map<FindingKind, Finding[]>(FINDING_KINDS.map((k) => [k, []]));
          for (const f of a.findings) byKind.get(f.kind)?.push(f);
          return (
            <>
              <dl class="facts">
                <dt>revision</dt>
                <dd data-testid="analysis-revision">{a.revision}</dd>
                <dt>analysed</dt>
                <dd>
                  {num(a.rules)} rules in {num(a.lists)} distinct vNIC rule lists
                </dd>
                <dt>computed</dt>
                <dd>{time(a.generatedAt)}</dd>
                <dt>findings</dt>
                <dd>
                  {num(a.findings.length)}{' '}
                  <button type="button" onClick={() => csv(a.revision)}>
                    CSV
                  </button>
                  {error && <span class="error"> {error}</span>}
                </dd>
              </dl>
              {a.findings.length === 0 && <Empty>No findings: every rule can decide something.</Empty>}
              <p class="muted">
                Fixes are suggestions; nothing is applied. Residuals are exact up to {a.boxCap} boxes.
              </p>
              {FINDING_KINDS.map((k) => (
                <KindTable key={k} tenant={tenant} kind={k} findings={byKind.get(k)!} />
              ))}
            </>
          );
        }}
      </Status>
    </Section>
  );
}
