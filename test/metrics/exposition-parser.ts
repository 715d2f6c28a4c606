/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description rather than
 * from our writer: every family has HELP then TYPE before its samples, samples name their family, label
 * values are quoted with \\ \" \n escapes only, no series appears twice, values are floats.
 */
export interface ParsedSample {
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  help: string;
  type: string;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`line ${line}: bad value ${text}`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1);
  for (;;) {
    if (s.startsWith('}')) return { labels, rest: s.slice(1) };
    const name = LABEL.exec(s)?.[0];
    if (!name) throw new Error(`line ${line}: bad label name at ${s}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    s = s.slice(name.length);
    if (!s.startsWith('="')) throw new Error(`line ${line}: expected =" after ${name}`);
    s = s.slice(2);
    let value = '';
    for (;;) {
      const ch = s[0];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\\') {
        const esc = s[1];
        if (esc === '\\') value += '\\';
        else if (esc === '"') value += '"';
        else if (esc === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape \\${esc}`);
        s = s.slice(2);
      } else {
        value += ch;
        s = s.slice(1);
      }
    }
    labels[name] = value;
    s = s.slice(1);
    if (s.startsWith(',')) s = s.slice(1);
    else if (!s.startsWith('}')) throw new Error(`line ${line}: expected , or } at ${s}`);
  }
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, ParsedFamily>();
  const series = new Set<string>();
  let current: string | null = null;
  text
    .slice(0, -1)
    .split('\n')
    .forEach((raw, i) => {
      const line = i + 1;
      if (raw.startsWith('# HELP ')) {
        const [name, ...help] = raw.slice(7).split(' ');
        if (!name || !NAME.test(name) || families.has(name)) throw new Error(`line ${line}: bad HELP`);
        families.set(name, { help: help.join(' '), type: '', samples: [] });
        current = name;
        return;
      }
      if (raw.startsWith('# TYPE ')) {
        const [name, type, extra] = raw.slice(7).split(' ');
        if (name !== current || !TYPES.includes(type ?? '') || extra !== undefined)
          throw new Error(`line ${line}: TYPE must follow its HELP: ${raw}`);
        families.get(name)!.type = type!;
        return;
      }
      if (raw.startsWith('#') || raw === '')
        throw new Error(`line ${line}: unexpected ${JSON.stringify(raw)}`);
      const name = NAME.exec(raw)?.[0];
      if (!name || name !== current || !families.get(name)!.type)
        throw new Error(`line ${line}: sample ${name} outside its family (${current})`);
      let rest = raw.slice(name.length);
      let labels: Record<string, string> = {};
      if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
      const parts = rest.split(' ');
      if (parts[0] !== '' || parts.length < 2 || parts.length > 3)
        throw new Error(`line ${line}: bad sample`);
      const value = parseValue(parts[1]!, line);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (series.has(key)) throw new Error(`line ${line}: series twice: ${key}`);
      series.add(key);
      families.get(name)!.samples.push({ labels, value });
    });
  return families;
}

/** The value of the one sample with exactly these labels (0 when absent: a counter not yet counted). */
export function valueOf(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string>,
): number {
  const family = families.get(name);
  if (!family) throw new Error(`no family ${name}`);
  const want = Object.entries(labels);
  const hits = family.samples.filter((s) => want.every(([k, v]) => s.labels[k] === v));
  return hits.reduce((n, s) => n + s.value, 0);
}
