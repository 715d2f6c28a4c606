import { useState } from 'preact/hooks';
import type { components } from '../../../src/client/api-types.js';
import { get, tenantPath, type Page } from '../api.js';
import { Export } from '../export.js';
import { proto, time } from '../format.js';
import { usePoll } from '../poll.js';
import { Empty, Live, Section, Status } from '../ui.js';

export type FlowEntry = components['schemas']['FlowLogEntry'];

interface Filters {
  hypervisor: string;
  workload: string;
  rule: string;
  action: string;
  since: string;
}
const NONE: Filters = { hypervisor: '', workload: '', rule: '', action: '', since: '' };
const KEEP = 1000;

const keyOf = (e: FlowEntry) => JSON.stringify(e);

function query(f: Filters, extra: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, k === 'since' ? new Date(v).toISOString() : v);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

interface Log {
  entries: FlowEntry[];
  older: string | null;
}

export function FlowLogView({ tenant }: { tenant: string }) {
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [more, setMore] = useState<FlowEntry[]>([]);
  const [older, setOlder] = useState<string | null | undefined>(undefined);
  const path = tenantPath(tenant, '/flowlogs');
  // live: after the first page, ask only for entries at or after the newest one shown (a since-cursor)
  const polled = usePoll<Log>(
    async (prev) => {
      if (!prev) {
        const page = await get<Page<FlowEntry>>(`${path}?${query(filters, { limit: '200' })}`);
        return { entries: page.items, older: page.nextCursor };
      }
      const newest = prev.entries[0]?.at;
      const since =
        newest && (!filters.since || newest > new Date(filters.since).toISOString()) ? newest : filters.since;
      const page = await get<Page<FlowEntry>>(
        `${path}?${query({ ...filters, since: '' }, { limit: '1000', ...(since ? { since: new Date(since).toISOString() } : {}) })}`,
      );
      const seen = new Set(prev.entries.map(keyOf));
      const fresh = page.items.filter((e) => !seen.has(keyOf(e)));
      return fresh.length ? { entries: [...fresh, ...prev.entries].slice(0, KEEP), older: prev.older } : prev;
    },
    1500,
    [tenant, filters],
  );
  const set = (k: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  const cursor = older === undefined ? polled.data?.older : older;
  const loadOlder = async () => {
    if (!cursor) return;
    const page = await get<Page<FlowEntry>>(`${path}?${query(filters, { limit: '200', cursor })}`);
    setMore([...more, ...page.items]);
    setOlder(page.nextCursor);
  };
  return (
    <Section title="Flow log" extra={<Live at={polled.at} />}>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setMore([]);
          setOlder(undefined);
          setFilters(draft);
        }}
      >
        <label>
          hypervisor{' '}
          <input name="hypervisor" value={draft.hypervisor} onInput={set('hypervisor')} size={10} />
        </label>
        <label>
          workload <input name="workload" value={draft.workload} onInput={set('workload')} size={10} />
        </label>
        <label>
          rule <input name="rule" value={draft.rule} onInput={set('rule')} size={10} />
        </label>
        <label>
          action{' '}
          <select name="action" value={draft.action} onChange={set('action')}>
            <option value="">any</option>
            <option value="allow">allow</option>
            <option value="drop">drop</option>
            <option value="reject">reject</option>
          </select>
        </label>
        <label>
          since <input type="datetime-local" name="since" value={draft.since} onInput={set('since')} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Export path={path} name={`flowlog-${tenant}`} />
      <Status polled={polled}>
        {({ entries }) =>
          entries.length + more.length === 0 ? (
            <Empty>No logged verdicts yet (only rules with log: true write here).</Empty>
          ) : (
            <>
              <table class="grid" data-testid="flowlog">
                <thead>
                  <tr>
                    <th>time</th>
                    <th>hypervisor</th>
                    <th>workload</th>
                    <th>dir</th>
                    <th>source</th>
                    <th>destination</th>
                    <th>proto</th>
                    <th>action</th>
                    <th>reason</th>
                    <th>rule</th>
                  </tr>
                </thead>
                <tbody>
                  {[...entries, ...more].map((e) => (
                    <tr key={keyOf(e)}>
                      <td>{time(e.at)}</td>
                      <td>{e.hypervisor}</td>
                      <td>
                        {e.workload} <span class="muted">{e.vnic}</span>
                      </td>
                      <td>{e.dir}</td>
                      <td>
                        {e.src}
                        {e.sport ? `:${e.sport}` : ''}
                      </td>
                      <td>
                        {e.dst}
                        {e.dport ? `:${e.dport}` : ''}
                      </td>
                      <td>{proto(e.proto)}</td>
                      <td class={`action ${e.action}`}>{e.action}</td>
                      <td>{e.reason}</td>
                      <td>{e.rule ? `${e.policy}/${e.rule}` : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {cursor && (
                <button type="button" onClick={() => void loadOlder()}>
                  Load older
                </button>
              )}
            </>
          )
        }
      </Status>
    </Section>
  );
}
