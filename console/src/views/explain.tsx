import { useState } from 'preact/hooks';
import type { components } from '../../../src/client/api-types.js';
import { ask, getAll, sinceRevision, tenantPath } from '../api.js';
import { proto as protoName } from '../format.js';
import { usePoll } from '../poll.js';
import { ruleHref } from '../route.js';
import type { Workload } from '../../../src/policy/types.js';
import { Badge, Empty, Section, Status } from '../ui.js';

/* The answer of POST /v1/tenants/{t}/explain (src/explain/types.ts, SPEC §12), as the API document types it. */
type Schemas = components['schemas'];
type Hop = Schemas['ExplainHop'];
type HopAnswer = Pick<Hop, 'revision' | 'decision' | 'evaluated'>;
type Explanation = Schemas['Explanation'];

/** An end as the form holds it: `workload:<id>`, or `ip` with the typed address. */
interface End {
  pick: string;
  ip: string;
}

const endpoint = (e: End) => (e.pick === 'ip' ? { ip: e.ip.trim() } : { workload: e.pick.slice(9) });
const PROTOS = ['tcp', 'udp', 'icmp', 'icmpv6'] as const;
const intOrUndefined = (s: string) => (s.trim() === '' ? undefined : Number(s));

function EndPicker({
  label,
  name,
  workloads,
  end,
  setEnd,
}: {
  label: string;
  name: string;
  workloads: Workload[];
  end: End;
  setEnd: (e: End) => void;
}) {
  return (
    <label>
      {label}{' '}
      <select
        name={name}
        value={end.pick}
        onChange={(e) => setEnd({ ...end, pick: (e.target as HTMLSelectElement).value })}
      >
        {workloads.map((w) => (
          <option key={w.id} value={`workload:${w.id}`}>
            {w.name} ({w.vnics.flatMap((v) => v.ips).join(', ') || 'no address'})
          </option>
        ))}
        <option value="ip">an IP address…</option>
      </select>
      {end.pick === 'ip' && (
        <input
          name={`${name}-ip`}
          aria-label={`${label} address`}
          placeholder="10.0.0.1 or 2001:db8::1"
          value={end.ip}
          required
          onInput={(e) => setEnd({ ...end, ip: (e.target as HTMLInputElement).value })}
        />
      )}
    </label>
  );
}

export function ExplainView({ tenant }: { tenant: string }) {
  const workloads = usePoll(
    (prev: { revision: number; value: Workload[] } | undefined) =>
      sinceRevision(tenant, prev, () => getAll<Workload>(tenantPath(tenant, '/workloads'))),
    5000,
    [tenant],
  );
  return (
    <Section title="Explain a packet">
      <Status polled={workloads}>
        {({ value }) => <ExplainForm key={tenant} tenant={tenant} workloads={value} />}
      </Status>
    </Section>
  );
}

function ExplainForm({ tenant, workloads }: { tenant: string; workloads: Workload[] }) {
  const first = (i: number) => (workloads[i] ? `workload:${workloads[i].id}` : 'ip');
  const [src, setSrc] = useState<End>({ pick: first(0), ip: '' });
  const [dst, setDst] = useState<End>({ pick: first(1), ip: '' });
  const [proto, setProto] = useState<string>('tcp');
  const [sport, setSport] = useState('');
  const [dport, setDport] = useState('443');
  const [icmpType, setIcmpType] = useState('');
  const [icmpCode, setIcmpCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const icmp = proto === 'icmp' || proto === 'icmpv6';
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      src: endpoint(src),
      dst: endpoint(dst),
      proto,
      ...(icmp
        ? { icmpType: intOrUndefined(icmpType), icmpCode: intOrUndefined(icmpCode) }
        : { sport: intOrUndefined(sport), dport: intOrUndefined(dport) }),
    };
    try {
      setAnswer(await ask<Explanation>(tenantPath(tenant, '/explain'), body));
    } catch (err) {
      setAnswer(null);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const number = (label: string, value: string, set: (s: string) => void, max: number) => (
    <label>
      {label}{' '}
      <input
        type="number"
        name={label}
        min={0}
        max={max}
        value={value}
        placeholder="default"
        onInput={(e) => set((e.target as HTMLInputElement).value)}
      />
    </label>
  );
  return (
    <>
      <form class="toolbar explain-form" onSubmit={(e) => void submit(e)}>
        <EndPicker label="from" name="src" workloads={workloads} end={src} setEnd={setSrc} />
        <EndPicker label="to" name="dst" workloads={workloads} end={dst} setEnd={setDst} />
        <label>
          protocol{' '}
          <select
            name="proto"
            value={proto}
            onChange={(e) => setProto((e.target as HTMLSelectElement).value)}
          >
            {PROTOS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        {icmp ? (
          <>
            {number('icmp type', icmpType, setIcmpType, 255)}
            {number('icmp code', icmpCode, setIcmpCode, 255)}
          </>
        ) : (
          <>
            {number('source port', sport, setSport, 65535)}
            {number('destination port', dport, setDport, 65535)}
          </>
        )}
        <button type="submit" disabled={busy}>
          Explain
        </button>
      </form>
      <p class="muted">
        The first packet of a new connection (for TCP, a SYN), decided at each enforcement point as its
        hypervisor would decide it now. Asking changes nothing.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {answer && <Answer tenant={tenant} answer={answer} />}
    </>
  );
}

const actionKind = (a: string) => (a === 'allow' ? 'ok' : 'bad');

function Answer({ tenant, answer }: { tenant: string; answer: Explanation }) {
  const p = answer.packet;
  return (
    <div data-testid="explanation">
      <h3>
        verdict{' '}
        <span class={`action ${answer.verdict}`} data-testid="verdict">
          {answer.verdict}
        </span>{' '}
        <code>
          {p.src}:{p.sport} → {p.dst}:{p.dport} {protoName(p.proto)}
          {p.flags ? ` [${p.flags}]` : ''}
        </code>
      </h3>
      {answer.hops.length === 0 && (
        <Empty>Neither address belongs to a vNIC in the inventory: no enforcement point sees it.</Empty>
      )}
      {answer.hops.map((h, i) => (
        <div key={i} class="hop" data-testid="hop" data-hop={`${h.vnic} ${h.direction}`}>
          <h4>
            hop {i + 1}: {h.hypervisor} · {h.vnic} ({h.workload}) · {h.direction}{' '}
            {h.drift ? <Badge kind="bad">drift</Badge> : <Badge kind="ok">in sync</Badge>}
          </h4>
          <dl class="facts">
            <dt>desired revision</dt>
            <dd>{h.desiredRevision}</dd>
            <dt>realized revision</dt>
            <dd>{h.realizedRevision ?? 'none installed'}</dd>
          </dl>
          <HopDecision
            tenant={tenant}
            answer={h}
            title={h.drift ? 'at the realized revision (enforced)' : null}
          />
          {h.desired && <HopDecision tenant={tenant} answer={h.desired} title="at the desired revision" />}
        </div>
      ))}
    </div>
  );
}

function HopDecision({ tenant, answer, title }: { tenant: string; answer: HopAnswer; title: string | null }) {
  const d = answer.decision;
  return (
    <div class="hop-answer">
      {title && (
        <h4>
          {title}: revision {answer.revision ?? '—'}
        </h4>
      )}
      <p data-testid="decision">
        decision <Badge kind={actionKind(d.action)}>{d.action}</Badge>{' '}
        {d.rule && d.policy ? (
          <>
            by <a href={ruleHref(tenant, d.policy, d.rule)}>{`${d.policy}/${d.rule}`}</a>
          </>
        ) : (
          'by no rule'
        )}{' '}
        <span class="muted">reason {d.reason}</span>
      </p>
      {answer.evaluated.length === 0 ? (
        <p class="muted">No rule was looked at before it.</p>
      ) : (
        <table class="grid" data-testid="evaluated">
          <thead>
            <tr>
              <th>#</th>
              <th>rule</th>
              <th>action</th>
              <th>outcome</th>
              <th>first field not matched</th>
              <th>why</th>
            </tr>
          </thead>
          <tbody>
            {answer.evaluated.map((r, i) => (
              <tr key={i}>
                <td class="n">{i + 1}</td>
                <td>
                  <a href={ruleHref(tenant, r.policy, r.rule)}>{`${r.policy}/${r.rule}`}</a>
                </td>
                <td class={`action ${r.action}`}>{r.action}</td>
                <td>{r.outcome}</td>
                <td>{r.field ?? '—'}</td>
                <td>
                  {r.why}
                  {r.groups?.map((g) => (
                    <div key={g.group} class="muted">
                      group {g.group}: {g.why}
                      {g.failedCriteria?.length ? (
                        <ul class="resolved">
                          {g.failedCriteria.map((c) => (
                            <li key={c}>{c}</li>
                          ))}
                        </ul>
                      ) : null}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
