/** One RFC 6902 operation as the audit log records an update. */
export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

export interface DiffLine {
  kind: 'add' | 'remove';
  path: string;
  text: string;
}

const MAX_TEXT = 2000;

/** The value at an RFC 6901 pointer, or undefined. */
export function pointer(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let at: unknown = doc;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v, null, 1)?.replace(/\n\s*/g, ' ') ?? 'undefined';
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
};

/** Before/after as removed and added lines: the patch when there is one, else the whole document. */
export function diffLines(
  before: unknown,
  after: unknown,
  changes: PatchOp[] | null | undefined,
): DiffLine[] {
  if (changes && changes.length) {
    return changes.flatMap((c): DiffLine[] => {
      const old = c.op === 'move' ? pointer(before, c.from ?? '') : pointer(before, c.path);
      const lines: DiffLine[] = [];
      if ((c.op === 'remove' || c.op === 'replace' || c.op === 'move') && old !== undefined)
        lines.push({ kind: 'remove', path: c.op === 'move' ? (c.from ?? '') : c.path, text: show(old) });
      if (c.op === 'add' || c.op === 'replace' || c.op === 'copy')
        lines.push({ kind: 'add', path: c.path, text: show(c.value) });
      if (c.op === 'move') lines.push({ kind: 'add', path: c.path, text: show(old) });
      return lines;
    });
  }
  const out: DiffLine[] = [];
  if (before !== null && before !== undefined) out.push({ kind: 'remove', path: '', text: show(before) });
  if (after !== null && after !== undefined) out.push({ kind: 'add', path: '', text: show(after) });
  return out;
}
