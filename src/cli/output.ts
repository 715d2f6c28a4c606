import { stringify } from 'yaml';
import { CliError } from './cli-error.js';

export const FORMATS = ['table', 'json', 'yaml'] as const;
export type Format = (typeof FORMATS)[number];

export function formatOf(value: string | undefined): Format {
  const f = value ?? 'table';
  if (!(FORMATS as readonly string[]).includes(f))
    throw new CliError(`-o: must be one of ${FORMATS.join(', ')} (got "${f}")`);
  return f as Format;
}

export const toYaml = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

/** Writes `value` as JSON or YAML; `table` is the command's own rendering. */
export function emit(format: Format, value: unknown, table: () => string): void {
  const text =
    format === 'json' ? JSON.stringify(value, null, 2) : format === 'yaml' ? toYaml(value) : table();
  process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

/** Columns padded to their widest cell; the last column runs free. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
