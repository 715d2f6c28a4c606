import { useState } from 'preact/hooks';
import { get, tenantPath, type Page } from '../api.js';
import { Export } from '../export.js';
import { time } from '../format.js';
import { usePoll } from '../poll.js';
import { Empty, Live, Section, Status } from '../ui.js';
import { diffLines, type PatchOp } from './json-diff.js';

interface AuditEntry {
  seq: number;
  revision: number | null;
  at: string;
  actor: string;
  action: string;
  object: { kind: string; id: string };
  before?: unknown;
  after?: unknown;
  changes?: PatchOp[] | null;
  summary: Record<string, unknown> | null;
}

interface Filters {
  object: string;
  actor: string;
  since: string;
}
const NONE: Filters = { object: '', actor: '', since: '' };

function query(f: Filters, extra: Record<string, string>): string {
  const q = new URLSearchParams(extra);
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, k === 'since' ? new Date(v).toISOString() : v);
  return q.toString();
}

export function AuditView({ tenant }: { tenant: string }) {
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [open, setOpen] = useState<number | null>(null);
  const [older, setOlder] = useState<{ items: AuditEntry[]; cursor: string | null } | null>(null);
  const path = tenantPath(tenant, '/audit');
  const head = usePoll(() => get<Page<AuditEntry>>(`${path}?${query(filters, { limit: '50' })}`), 3000, [
    tenant,
    filters,
  ]);
  const set = (k: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  const cursor = older ? older.cursor : head.data?.nextCursor;
  const loadOlder = async () => {
    if (!cursor) return;
    const page = await get<Page<AuditEntry>>(`${path}?${query(filters, { limit: '50', cursor })}`);
    setOlder({ items: [...(older?.items ?? []), ...page.items], cursor: page.nextCursor });
  };
  return (
    <Section title="Audit log" extra={<Live at={head.at} />}>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setOlder(null);
          setFilters(draft);
        }}
      >
        <label>
          object{' '}
          <input
            name="object"
            value={draft.object}
            onInput={set('object')}
            placeholder="policy/web"
            size={14}
          />
        </label>
        <label>
          actor <input name="actor" value={draft.actor} onInput={set('actor')} size={10} />
        </label>
        <label>
          since <input type="datetime-local" name="since" value={draft.since} onInput={set('since')} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Export path={path} name={`audit-${tenant}`} />
      <Status polled={head}>
        {(page) => {
          const items = [...page.items, ...(older?.items ?? [])];
          if (items.length === 0) return <Empty>No audit entries.</Empty>;
          return (
            <>
              <table class="grid" data-testid="audit">
                <thead>
                  <tr>
                    <th class="n">seq</th>
                    <th>time</th>
                    <th>actor</th>
                    <th>action</th>
                    <th>object</th>
                    <th class="n">revision</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => [
                    <tr key={e.seq} data-seq={e.seq} onClick={() => setOpen(open === e.seq ? null : e.seq)}>
                      <td class="n">{e.seq}</td>
                      <td>{time(e.at)}</td>
                      <td>{e.actor}</td>
                      <td>
                        <button type="button" class="link" aria-expanded={open === e.seq}>
                          {e.action}
                        </button>
                      </td>
                      <td>
                        {e.object.kind} <code>{e.object.id}</code>
                      </td>
                      <td class="n">{e.revision ?? '—'}</td>
                    </tr>,
                    open === e.seq && (
                      <tr key={`${e.seq}-diff`} class="detail">
                        <td colSpan={6}>
                          <AuditDiff tenant={tenant} seq={e.seq} />
                        </td>
                      </tr>
                    ),
                  ])}
                </tbody>
              </table>
              {cursor && (
                <button type="button" onClick={() => void loadOlder()}>
                  Load older
                </button>
              )}
            </>
          );
        }}
      </Status>
    </Section>
  );
}

function AuditDiff({ tenant, seq }: { tenant: string; seq: number }) {
  const polled = usePoll(() => get<AuditEntry>(tenantPath(tenant, `/audit/${seq}`)), 0, [tenant, seq]);
  return (
    <Status polled={polled}>
      {(e) => {
        const lines = diffLines(e.before, e.after, e.changes);
        return (
          <div class="diff" data-testid="diff">
            {lines.length === 0 && <p class="muted">No change recorded.</p>}
            {lines.map((l, i) => (
              <div key={i} class={l.kind}>
                <span class="sign">{l.kind === 'add' ? '+' : '−'}</span>
                {l.path && <code class="path">{l.path}</code>} <code>{l.text}</code>
              </div>
            ))}
          </div>
        );
      }}
    </Status>
  );
}
