import { useEffect, useState } from 'preact/hooks';
import { enc, getAll, getIfChanged, sinceRevision, tenantPath, type Tagged } from '../api.js';
import { bytes, num, time } from '../format.js';
import { usePoll } from '../poll.js';
import { href, splitRuleId } from '../route.js';
import {
  CATEGORIES,
  type Peer,
  type Policy,
  type Rule,
  type ServiceEntry,
} from '../../../src/policy/types.js';
import { Badge, Empty, Live, Section, Status } from '../ui.js';
import { PeerResolved } from './peer-resolved.js';

const PAGE = 100;

interface RuleStats {
  rule: string;
  hits: number;
  packets: number;
  bytes: number;
  sessions: number;
  lastHit: string | null;
}

/** SPEC §3: categories in their fixed order, lower priority first, then id (as the compiler orders ties). */
export function evaluationOrder(policies: Policy[]): Policy[] {
  const rank = (p: Policy) => CATEGORIES.indexOf(p.category);
  return [...policies].sort(
    (a, b) => rank(a) - rank(b) || a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export const peerText = (p: Peer): string =>
  p === 'any'
    ? 'any'
    : `${p.negate ? 'not ' : ''}${[...p.groups.map((g) => `group ${g}`), ...p.cidrs].join(', ') || '∅'}`;

const serviceText = (s: (string | ServiceEntry)[]): string =>
  s.length === 0
    ? 'any'
    : s.map((x) => (typeof x === 'string' ? x : `${x.proto}${x.ports ? `/${x.ports}` : ''}`)).join(', ');

export function PoliciesView({ tenant, id }: { tenant: string; id: string | null }) {
  const polled = usePoll(
    (prev: { revision: number; value: Policy[] } | undefined) =>
      sinceRevision(tenant, prev, async () =>
        evaluationOrder(await getAll<Policy>(tenantPath(tenant, '/policies'))),
      ),
    3000,
    [tenant],
  );
  const focus = splitRuleId(id);
  return (
    <Section title="Policies in evaluation order">
      <Status polled={polled}>
        {({ value: policies }) =>
          policies.length === 0 ? (
            <Empty>No policies: the tenant's default action decides every packet.</Empty>
          ) : (
            <div class="split">
              <ol class="policy-list">
                {policies.map((p) => (
                  <li key={p.id} class={p.id === (focus.policy ?? policies[0]!.id) ? 'selected' : ''}>
                    <a href={href(tenant, 'policies', p.id)}>
                      <strong>{p.name ?? p.id}</strong>{' '}
                      <span class="muted">
                        {p.category} · priority {p.priority}
                      </span>
                      <span class="muted"> · {num(p.rules.length)} rules</span>
                    </a>
                  </li>
                ))}
              </ol>
              <PolicyRules
                tenant={tenant}
                policy={policies.find((p) => p.id === focus.policy) ?? policies[0]!}
                focus={focus.rule}
              />
            </div>
          )
        }
      </Status>
    </Section>
  );
}

function PolicyRules({ tenant, policy, focus }: { tenant: string; policy: Policy; focus: string | null }) {
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  // a link to one rule (from the analysis or explain view) opens its page with the rule opened
  useEffect(() => {
    const at = focus ? policy.rules.findIndex((r) => r.id === focus) : -1;
    if (at < 0) return;
    setFilter('');
    setPage(Math.floor(at / PAGE));
    setOpen(focus);
    requestAnimationFrame(() =>
      document.querySelector(`tr[data-rule="${CSS.escape(focus!)}"]`)?.scrollIntoView({ block: 'center' }),
    );
  }, [policy.id, focus]);
  // conditional: an idle policy's counters answer 304 and the map is kept as it was
  const stats = usePoll(
    async (prev: Tagged<Map<string, RuleStats>> | undefined) => {
      const path = tenantPath(tenant, `/policies/${enc(policy.id)}/stats`);
      const raw = await getIfChanged<{ rules: RuleStats[] }>(
        path,
        prev && { etag: prev.etag, value: { rules: [] } },
      );
      if (prev && raw.etag === prev.etag) return prev;
      return { etag: raw.etag, value: new Map(raw.value.rules.map((r) => [r.rule, r])) };
    },
    2000,
    [tenant, policy.id],
  );
  const rules = policy.rules
    .map((r, i) => ({ r, pos: i + 1 }))
    .filter(({ r }) => !filter || r.id.includes(filter));
  const pages = Math.max(1, Math.ceil(rules.length / PAGE));
  const shown = rules.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <div class="rules">
      <h3>
        {policy.name ?? policy.id} <Badge kind="info">{policy.category}</Badge>{' '}
        <Badge kind="info">priority {policy.priority}</Badge>{' '}
        {policy.stateful ? <Badge kind="info">stateful</Badge> : <Badge kind="warn">stateless</Badge>}
        {policy.app && <Badge kind="info">app {policy.app}</Badge>} <Live at={stats.at} />
      </h3>
      <div class="toolbar">
        <label>
          Find rule{' '}
          <input
            type="search"
            value={filter}
            placeholder="rule id"
            onInput={(e) => {
              setFilter((e.target as HTMLInputElement).value);
              setPage(0);
            }}
          />
        </label>
        <Pager page={page} pages={pages} setPage={setPage} total={rules.length} />
      </div>
      {stats.error && <p class="error">Counters not updated: {stats.error.message}</p>}
      <table class="grid" data-testid="rules">
        <thead>
          <tr>
            <th>#</th>
            <th>rule</th>
            <th>sources</th>
            <th>destinations</th>
            <th>services</th>
            <th>dir</th>
            <th>action</th>
            <th class="n">hits</th>
            <th class="n">packets</th>
            <th class="n">bytes</th>
            <th class="n">sessions</th>
            <th>last hit</th>
          </tr>
        </thead>
        <tbody>
          {shown.map(({ r, pos }) => {
            const s = stats.data?.value.get(r.id);
            return [
              <tr
                key={r.id}
                class={`${r.disabled ? 'disabled' : ''}${r.id === focus ? ' focus' : ''}`}
                data-rule={r.id}
                onClick={() => setOpen(open === r.id ? null : r.id)}
              >
                <td class="n">{pos}</td>
                <td>
                  <button type="button" class="link" aria-expanded={open === r.id}>
                    {r.id}
                  </button>
                  {r.disabled && <Badge kind="warn">disabled</Badge>}
                  {r.log && <Badge kind="info">log</Badge>}
                </td>
                <td>{peerText(r.sources)}</td>
                <td>{peerText(r.destinations)}</td>
                <td>{serviceText(r.services)}</td>
                <td>{r.direction}</td>
                <td class={`action ${r.action}`}>{r.action}</td>
                <td class="n" data-stat="hits">
                  {num(s?.hits)}
                </td>
                <td class="n" data-stat="packets">
                  {num(s?.packets)}
                </td>
                <td class="n" data-stat="bytes">
                  {s ? bytes(s.bytes) : '—'}
                </td>
                <td class="n" data-stat="sessions">
                  {num(s?.sessions)}
                </td>
                <td>{time(s?.lastHit)}</td>
              </tr>,
              open === r.id && (
                <tr key={`${r.id}-detail`} class="detail">
                  <td colSpan={12}>
                    <RuleDetail tenant={tenant} rule={r} />
                  </td>
                </tr>
              ),
            ];
          })}
        </tbody>
      </table>
    </div>
  );
}

function RuleDetail({ tenant, rule }: { tenant: string; rule: Rule }) {
  return (
    <div class="rule-detail">
      <div>
        <h4>Sources resolved</h4>
        <PeerResolved tenant={tenant} peer={rule.sources} />
      </div>
      <div>
        <h4>Destinations resolved</h4>
        <PeerResolved tenant={tenant} peer={rule.destinations} />
      </div>
      <div>
        <h4>Applied to</h4>
        {rule.appliedTo.length ? rule.appliedTo.join(', ') : "the policy's appliedTo, else everywhere"}
        {rule.notes && <p class="notes">{rule.notes}</p>}
      </div>
      {/* explain hook: the explain view (SPEC §12) links from here with the rule's id */}
    </div>
  );
}

export function Pager({
  page,
  pages,
  setPage,
  total,
}: {
  page: number;
  pages: number;
  setPage: (p: number) => void;
  total: number;
}) {
  return (
    <span class="pager">
      <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
        ‹ previous
      </button>
      <span>
        page {page + 1} of {pages} ({num(total)})
      </span>
      <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
        next ›
      </button>
    </span>
  );
}
