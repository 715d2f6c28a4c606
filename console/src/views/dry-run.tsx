import { useState } from 'preact/hooks';
import type { components } from '../../../src/client/api-types.js';
import { dryRun, enc, get, tenantPath } from '../api.js';
import { num, proto, time } from '../format.js';
import { ruleHref } from '../route.js';
import { Badge, Empty, Section } from '../ui.js';

/* The answer of a `?dryRun=true` write (src/api/dry-run.ts, SPEC §12 impact), as the API document types it. */
type Schemas = components['schemas'];
type Decided = Schemas['Decision'];
type Impact = Schemas['Impact'];
interface DryRunAnswer {
  dryRun: true;
  kind?: string;
  id?: string;
  action?: string;
  impact?: Impact;
}

const KINDS = [
  { key: 'policies', label: 'policy' },
  { key: 'groups', label: 'group' },
  { key: 'services', label: 'service' },
  { key: 'workloads', label: 'workload' },
  { key: 'apps', label: 'app' },
  { key: 'settings', label: 'tenant settings' },
] as const;
type Kind = (typeof KINDS)[number]['key'];

const objectPath = (tenant: string, kind: Kind, id: string) =>
  kind === 'settings' ? tenantPath(tenant) : tenantPath(tenant, `/${kind}/${enc(id)}`);

const Decision = ({ tenant, d }: { tenant: string; d: Decided }) => (
  <>
    <span class={`action ${d.action}`}>{d.action}</span>{' '}
    {d.rule && d.policy ? (
      <a href={ruleHref(tenant, d.policy, d.rule)}>{`${d.policy}/${d.rule}`}</a>
    ) : (
      d.reason
    )}
  </>
);

/** SPEC §12 impact: what a change would do to live sessions, asked as a dry run (editors; nothing changes). */
export function DryRunView({ tenant }: { tenant: string }) {
  const [kind, setKind] = useState<Kind>('policies');
  const [id, setId] = useState('');
  const [remove, setRemove] = useState(false);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<DryRunAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const settings = kind === 'settings';
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const load = () =>
    run(async () => {
      const doc = await get<Record<string, unknown>>(objectPath(tenant, kind, id));
      setBody(JSON.stringify(settings ? doc.settings : doc, null, 2));
    });
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      setAnswer(null);
      const path = objectPath(tenant, kind, id);
      if (remove && !settings) return setAnswer(await dryRun<DryRunAnswer>(path, 'DELETE'));
      let doc: unknown;
      try {
        doc = JSON.parse(body);
      } catch (err) {
        throw new Error(`the JSON does not parse: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      setAnswer(
        settings
          ? await dryRun<DryRunAnswer>(path, 'PATCH', { settings: doc })
          : await dryRun<DryRunAnswer>(path, 'PUT', doc),
      );
    });
  };
  return (
    <Section title="Dry run: what a change would do">
      <p class="muted">
        Sends the change with <code>?dryRun=true</code>: the API validates it as it would apply it and answers
        the established flows it would cut and the logged verdicts it would change; nothing is written. Needs
        an editor token.
      </p>
      <form class="dry-run" onSubmit={submit}>
        <div class="toolbar">
          <label>
            object{' '}
            <select
              name="kind"
              value={kind}
              onChange={(e) => setKind((e.target as HTMLSelectElement).value as Kind)}
            >
              {KINDS.map((k) => (
                <option key={k.key} value={k.key}>
                  {k.label}
                </option>
              ))}
            </select>
          </label>
          {!settings && (
            <label>
              id{' '}
              <input
                name="id"
                value={id}
                required
                onInput={(e) => setId((e.target as HTMLInputElement).value)}
              />
            </label>
          )}
          {!settings && (
            <label>
              <input type="checkbox" name="delete" checked={remove} onChange={() => setRemove(!remove)} />{' '}
              delete it
            </label>
          )}
          <button type="button" disabled={busy || (!settings && !id)} onClick={() => void load()}>
            Load current
          </button>
          <button type="submit" disabled={busy}>
            Dry run
          </button>
        </div>
        {!(remove && !settings) && (
          <textarea
            name="body"
            aria-label="object as JSON"
            rows={12}
            value={body}
            placeholder={settings ? '{"revalidateOnChange": true}' : 'the object as you would PUT it'}
            onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
          />
        )}
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {answer && <ImpactView tenant={tenant} answer={answer} />}
    </Section>
  );
}

function ImpactView({ tenant, answer }: { tenant: string; answer: DryRunAnswer }) {
  const i = answer.impact;
  return (
    <div data-testid="impact">
      <h3>
        {answer.action ?? 'dry run'} <Badge kind="info">nothing changed</Badge>
      </h3>
      {!i ? (
        <Empty>The API answered no impact.</Empty>
      ) : (
        <>
          <dl class="facts">
            <dt>revision</dt>
            <dd>
              {i.revision} → {i.candidateRevision} (candidate)
            </dd>
            <dt>established flows</dt>
            <dd data-testid="cut">
              {num(i.established.cut)} of {num(i.established.flows)} would be cut
              {!i.revalidateOnChange && ' if revalidated (revalidateOnChange is off: they would be kept)'}
            </dd>
            <dt>flow log</dt>
            <dd data-testid="flowlog-impact">
              of the last {num(i.flowLog.entries)} logged verdicts, {num(i.flowLog.newlyDenied)} newly denied,{' '}
              {num(i.flowLog.newlyAllowed)} newly allowed
            </dd>
          </dl>
          {i.established.byHypervisor.length > 0 && (
            <table class="grid">
              <thead>
                <tr>
                  <th>hypervisor</th>
                  <th class="n">realized revision</th>
                  <th class="n">flows</th>
                  <th class="n">cut</th>
                </tr>
              </thead>
              <tbody>
                {i.established.byHypervisor.map((h) => (
                  <tr key={h.hypervisor}>
                    <td>{h.hypervisor}</td>
                    <td class="n">{h.realizedRevision ?? '—'}</td>
                    <td class="n">{num(h.flows)}</td>
                    <td class="n">{num(h.cut)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {i.established.sample.length > 0 && (
            <>
              <h4>Flows it would cut (sample)</h4>
              <table class="grid" data-testid="cut-sample">
                <thead>
                  <tr>
                    <th>hypervisor</th>
                    <th>vNIC</th>
                    <th>flow</th>
                    <th>state</th>
                    <th>allowed by</th>
                    <th>would be decided by</th>
                  </tr>
                </thead>
                <tbody>
                  {i.established.sample.map((f, n) => (
                    <tr key={n}>
                      <td>{f.hypervisor}</td>
                      <td>
                        {f.vnic} {f.openedOn ?? ''}
                      </td>
                      <td>
                        {f.src}:{f.sport} → {f.dst}:{f.dport} {proto(f.proto)}
                      </td>
                      <td>{f.state}</td>
                      <td>
                        {f.allowedBy ? (
                          <a href={ruleHref(tenant, f.allowedBy.policy, f.allowedBy.rule)}>
                            {`${f.allowedBy.policy}/${f.allowedBy.rule}`}
                          </a>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        <Decision tenant={tenant} d={f.now} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          {i.flowLog.sample.length > 0 && (
            <>
              <h4>Logged verdicts it would change (sample)</h4>
              <table class="grid" data-testid="flowlog-sample">
                <thead>
                  <tr>
                    <th>time</th>
                    <th>hypervisor</th>
                    <th>vNIC</th>
                    <th>packet</th>
                    <th>was</th>
                    <th>would be</th>
                  </tr>
                </thead>
                <tbody>
                  {i.flowLog.sample.map((c, n) => (
                    <tr key={n}>
                      <td>{time(new Date(c.entry.at).toISOString())}</td>
                      <td>{c.hypervisor}</td>
                      <td>
                        {c.entry.vnic} {c.entry.dir}
                      </td>
                      <td>
                        {c.entry.src}:{c.entry.sport} → {c.entry.dst}:{c.entry.dport} {proto(c.entry.proto)}
                      </td>
                      <td>
                        <Decision tenant={tenant} d={c.entry} />
                      </td>
                      <td>
                        <Decision tenant={tenant} d={c.now} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </div>
  );
}
