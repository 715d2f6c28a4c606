import type { Finding } from './findings.js';

const COLUMNS = [
  'kind',
  'policy',
  'rule',
  'exact',
  'covering',
  'covering_count',
  'packet',
  'scope',
  'fix',
  'message',
] as const;

function cell(value: string): string {
  // a leading =, +, - or @ would be read as a formula by spreadsheets
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function packetText(f: Finding): string {
  const p = f.evidence.packet;
  if (!p) return '';
  const ports =
    p.icmpType !== undefined ? ` type ${p.icmpType} code ${p.icmpCode}` : ` ${p.sport} > ${p.dport}`;
  return `${p.src} > ${p.dst} proto ${p.proto}${ports}`;
}

function fixText(f: Finding): string {
  const x = f.fix;
  switch (x.op) {
    case 'remove':
      return `remove ${x.rule.policy}/${x.rule.rule}`;
    case 'reorder':
      return `move ${x.rule.policy}/${x.rule.rule} before ${x.before.policy}/${x.before.rule}`;
    case 'merge':
      return `merge ${x.rule.policy}/${x.rule.rule} into ${x.into.policy}/${x.into.rule}`;
    case 'none':
      return `none: ${x.reason}`;
  }
}

/** The findings as CSV (RFC 4180, CRLF line ends), one row per finding. */
export function findingsCsv(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [
    f.kind,
    f.rule.policy,
    f.rule.rule,
    String(f.exact),
    f.covering.map((r) => `${r.policy}/${r.rule}`).join(' '),
    String(f.coveringCount),
    packetText(f),
    f.evidence.scope ? `${f.evidence.scope.vnic} ${f.evidence.scope.direction}` : '',
    fixText(f),
    f.message,
  ]);
  return [COLUMNS as readonly string[], ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
