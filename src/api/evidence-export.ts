import { badRequest } from './errors.js';
import { csvRow, type CsvCell } from './csv.js';

/**
 * Entries one export may hold. Each page is a D1 query or one hypervisor call, and a request has a
 * bounded subrequest budget, so the range is refused (400, with its size) rather than cut short.
 */
export const MAX_EXPORT_ENTRIES = 100_000;
/** Entries read per page while streaming. */
export const EXPORT_PAGE = 1000;

export type ExportFormat = 'csv' | 'json';

export interface ExportRange {
  /** ISO times, inclusive; absent = open */
  since: string | undefined;
  until: string | undefined;
}

/** since and until as ISO times; an end that is not a time or a since after until is a 400. */
export function exportRange(q: { since?: string | undefined; until?: string | undefined }): ExportRange {
  const time = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw badRequest(`query.${name}: not a time`);
    return d.toISOString();
  };
  const since = time('since', q.since);
  const until = time('until', q.until);
  if (since && until && since > until)
    throw badRequest(`query.since: ${since} is after until ${until}`, { since, until });
  return { since, until };
}

/** e.g. audit-acme-20260101T000000Z-20260102T000000Z: safe in a header (tenant ids are [A-Za-z0-9._-]). */
export function exportFileName(what: string, tenant: string, range: ExportRange): string {
  const stamp = (iso: string | undefined) => (iso ? iso.replace(/[-:]|\.\d+/g, '') : 'start');
  return `${what}-${tenant}-${stamp(range.since)}-${stamp(range.until)}`;
}

export function assertExportSize(count: number, what: string): void {
  if (count > MAX_EXPORT_ENTRIES)
    throw badRequest(
      `${count} ${what} entries match, at most ${MAX_EXPORT_ENTRIES} per export: narrow since/until`,
      { matching: count, limit: MAX_EXPORT_ENTRIES },
    );
}

export interface ExportSpec<T> {
  format: ExportFormat;
  /** file name without extension */
  name: string;
  range: ExportRange;
  columns: readonly string[];
  cells: (item: T) => CsvCell[];
  /** the entries, page by page; a page is read only when the client has taken the one before */
  pages: AsyncIterable<T[]>;
}

/**
 * A download streamed page by page: CSV (RFC 4180, header row) or JSON {since, until, items}. Memory stays
 * at one page whatever the range holds.
 */
export function exportResponse<T>(spec: ExportSpec<T>): Response {
  const encoder = new TextEncoder();
  const pages = spec.pages[Symbol.asyncIterator]();
  const csv = spec.format === 'csv';
  let started = false;
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        const head = csv
          ? csvRow(spec.columns)
          : `{"since":${JSON.stringify(spec.range.since ?? null)},"until":${JSON.stringify(spec.range.until ?? null)},"items":[`;
        controller.enqueue(encoder.encode(head));
        return;
      }
      const next = await pages.next();
      if (next.done) {
        if (!csv) controller.enqueue(encoder.encode(']}'));
        controller.close();
        return;
      }
      let text = '';
      for (const item of next.value) {
        if (csv) text += csvRow(spec.cells(item));
        else {
          text += (first ? '' : ',') + JSON.stringify(item);
          first = false;
        }
      }
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await pages.return?.();
    },
  });
  const ext = csv ? 'csv' : 'json';
  return new Response(body, {
    headers: {
      'content-type': csv ? 'text/csv; charset=utf-8; header=present' : 'application/json',
      'content-disposition': `attachment; filename="${spec.name}.${ext}"`,
    },
  });
}
