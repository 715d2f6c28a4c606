/** Prometheus text exposition format 0.0.4: the Content-Type a scrape answers with. */
export const EXPOSITION_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: Sample[];
}

export class MetricNameError extends Error {
  readonly code = 'bad-metric-name';
}

/** Label values may hold anything: backslash, double quote and line feed are escaped. */
export const escapeLabelValue = (v: string) =>
  v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

const escapeHelp = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  for (const k of keys)
    if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new MetricNameError(`label ${k}`);
  return `{${keys.map((k) => `${k}="${escapeLabelValue(labels[k]!)}"`).join(',')}}`;
}

/**
 * The families as one exposition: HELP and TYPE first, then the samples; a counter's name ends in
 * `_total`. Families and samples come out in the order given, so equal input gives equal text.
 */
export function exposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const f of families) {
    if (!METRIC_NAME.test(f.name) || seen.has(f.name)) throw new MetricNameError(`metric ${f.name}`);
    if (f.type === 'counter' && !f.name.endsWith('_total'))
      throw new MetricNameError(`counter ${f.name} must end in _total`);
    seen.add(f.name);
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(`${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
