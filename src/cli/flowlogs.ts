import { unwrap } from '../client/api-error.js';
import { CliError } from './cli-error.js';
import { commandTenant, type CliContext } from './context.js';
import { table, toYaml, type Format } from './output.js';
import type { Json } from './resources.js';

export interface FlowLogFlags {
  tenant?: string;
  format: Format;
  follow?: boolean;
  interval?: string;
  limit?: string;
  hypervisor?: string;
  workload?: string;
  rule?: string;
  action?: string;
  since?: string;
}

const HEADERS = [
  'AT',
  'HYPERVISOR',
  'VNIC',
  'DIR',
  'PROTO',
  'SOURCE',
  'DESTINATION',
  'ACTION',
  'REASON',
  'RULE',
];

const row = (e: Json) =>
  [
    e.at,
    e.hypervisor,
    e.vnic,
    e.dir,
    e.proto,
    `${String(e.src)}:${String(e.sport)}`,
    `${String(e.dst)}:${String(e.dport)}`,
    e.action,
    e.reason,
    e.rule ? `${String(e.policy)}/${String(e.rule)}` : '',
  ].map((x) => (x === undefined || x === null ? '' : String(x)));

/** Entries printed as they come: one JSON object per line, YAML documents, or aligned table lines. */
function printer(format: Format) {
  let first = true;
  return (entries: Json[]) => {
    if (format === 'json') for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
    else if (format === 'yaml') for (const e of entries) process.stdout.write(`---\n${toYaml(e)}`);
    else if (entries.length || first) {
      const lines = table(HEADERS, entries.map(row)).split('\n');
      // a followed table keeps its columns roughly aligned but has one header only
      process.stdout.write(`${(first ? lines : lines.slice(1)).join('\n')}\n`);
      first = false;
    }
  };
}

export async function flowlogsCommand(ctx: CliContext, f: FlowLogFlags): Promise<void> {
  const t = await commandTenant(ctx, f.tenant);
  const limit = f.limit === undefined ? 20 : Number(f.limit);
  const interval = f.interval === undefined ? 2 : Number(f.interval);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError('--limit: 1 to 1000');
  if (!(interval >= 0.2)) throw new CliError('--interval: at least 0.2 seconds');
  const filters = {
    ...(f.hypervisor ? { hypervisor: f.hypervisor } : {}),
    ...(f.workload ? { workload: f.workload } : {}),
    ...(f.rule ? { rule: f.rule } : {}),
    ...(f.action ? { action: f.action as 'allow' } : {}),
  };
  const read = async (query: Json) => {
    const { data } = await unwrap(
      ctx.resources.api.GET('/v1/tenants/{t}/flowlogs', {
        params: { path: { t }, query: { ...filters, ...query } },
      }),
      ctx.url,
    );
    return (data as unknown as { items: Json[] }).items;
  };
  const print = printer(f.format);
  const newest = await read({ limit, ...(f.since ? { since: f.since } : {}) });
  const oldestFirst = [...newest].reverse();
  if (!f.follow) {
    if (f.format === 'json' || f.format === 'yaml')
      process.stdout.write(
        f.format === 'json' ? `${JSON.stringify({ items: newest }, null, 2)}\n` : toYaml({ items: newest }),
      );
    else print(oldestFirst);
    return;
  }
  print(oldestFirst);
  // entries carry no id: those of the newest instant seen are remembered by content and count
  let lastAt = newest[0]?.at as string | undefined;
  let seenAtLast = countAt(newest, lastAt);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (!stop.signal.aborted) {
      await sleep(interval * 1000, stop.signal);
      if (stop.signal.aborted) break;
      const items = await read({
        limit: 1000,
        ...(lastAt ? { since: lastAt } : f.since ? { since: f.since } : {}),
      });
      const fresh: Json[] = [];
      const counts = new Map<string, number>();
      for (const e of [...items].reverse()) {
        if (lastAt !== undefined && String(e.at) < lastAt) continue;
        if (e.at === lastAt) {
          const key = JSON.stringify(e);
          const n = (counts.get(key) ?? 0) + 1;
          counts.set(key, n);
          if (n <= (seenAtLast.get(key) ?? 0)) continue;
        }
        fresh.push(e);
      }
      if (fresh.length === 0) continue;
      print(fresh);
      const newAt = fresh[fresh.length - 1]!.at as string;
      seenAtLast = newAt === lastAt ? mergeCounts(seenAtLast, fresh, newAt) : countAt(fresh, newAt);
      lastAt = newAt;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function countAt(entries: Json[], at: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of entries) if (e.at === at) m.set(JSON.stringify(e), (m.get(JSON.stringify(e)) ?? 0) + 1);
  return m;
}

function mergeCounts(m: Map<string, number>, entries: Json[], at: string): Map<string, number> {
  const out = new Map(m);
  for (const [k, n] of countAt(entries, at)) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
