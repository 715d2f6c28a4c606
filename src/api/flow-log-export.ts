import { hypervisorOf, type Env } from '../env.js';
import type { FlowLogEntry, FlowLogFilter } from '../dataplane/processor/index.js';
import { assertExportSize, EXPORT_PAGE, MAX_EXPORT_ENTRIES } from './evidence-export.js';

type Entry = FlowLogEntry & { seq: number; hypervisor: string };
export type ExportedFlowLogEntry = Omit<FlowLogEntry, 'at'> & { at: string; hypervisor: string };

export const FLOW_LOG_COLUMNS = [
  'at',
  'hypervisor',
  'tenant',
  'workload',
  'vnic',
  'dir',
  'src',
  'dst',
  'proto',
  'sport',
  'dport',
  'action',
  'reason',
  'policy',
  'rule',
] as const;

export const flowLogCells = (e: ExportedFlowLogEntry) => FLOW_LOG_COLUMNS.map((c) => e[c]);

/** The order of the flow-log list: newest first, then by hypervisor, then newest sequence. */
const newer = (a: Entry, b: Entry) =>
  b.at - a.at || (a.hypervisor < b.hypervisor ? -1 : a.hypervisor > b.hypervisor ? 1 : 0) || b.seq - a.seq;

/** Refuses (400) a range holding more than an export may, counting on every hypervisor at once. */
export async function assertFlowLogExportSize(
  env: Env,
  hvs: readonly string[],
  filter: FlowLogFilter,
  untilMs: number,
): Promise<void> {
  const counts = await Promise.all(
    hvs.map((h) =>
      hypervisorOf(env, h).flowLogUntil({
        ...filter,
        untilMs,
        countOnly: true,
        limit: MAX_EXPORT_ENTRIES + 1,
      }),
    ),
  );
  assertExportSize(
    counts.reduce((n, c) => n + c.count, 0),
    'flow-log',
  );
}

/**
 * The tenant's flow log between since and untilMs merged over its hypervisors, in pages: one page per
 * hypervisor is held at a time, the next read only when the merge has used the last one up.
 */
export async function* flowLogPages(
  env: Env,
  hvs: readonly string[],
  filter: FlowLogFilter,
  untilMs: number,
): AsyncGenerator<ExportedFlowLogEntry[]> {
  const sources = hvs.map((h) => ({
    h,
    buf: [] as Entry[],
    at: 0,
    before: undefined as number | undefined,
    done: false,
  }));
  const fill = async (s: (typeof sources)[number]) => {
    if (s.at < s.buf.length || s.done) return;
    const page = await hypervisorOf(env, s.h).flowLogUntil({
      ...filter,
      untilMs,
      beforeSeq: s.before,
      limit: EXPORT_PAGE,
    });
    s.buf = page.entries.map((e) => ({ ...e, hypervisor: s.h }));
    s.at = 0;
    if (page.entries.length) s.before = page.entries[page.entries.length - 1]!.seq;
    if (!page.more) s.done = true;
  };
  for (;;) {
    await Promise.all(sources.map(fill));
    const out: ExportedFlowLogEntry[] = [];
    let refill = false;
    while (out.length < EXPORT_PAGE && !refill) {
      let best: (typeof sources)[number] | null = null;
      for (const s of sources) {
        if (s.at === s.buf.length) {
          // a source with more to read must be read before the merge can tell what comes next
          if (!s.done) refill = true;
          continue;
        }
        if (!best || newer(s.buf[s.at]!, best.buf[best.at]!) < 0) best = s;
      }
      if (refill) break;
      if (!best) {
        if (out.length) yield out;
        return;
      }
      const { seq: _seq, at, ...rest } = best.buf[best.at++]!;
      out.push({ ...rest, at: new Date(at).toISOString() });
    }
    if (out.length) yield out;
  }
}
