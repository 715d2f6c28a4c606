/** One RFC 6902 operation; applied in order, each index is read against the document as it stands then. */
export type PatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'move'; from: string; path: string };

/** Per-id changes of an array of objects keyed by `id` (a policy's rules, a workload's vNICs). */
export interface KeyedChanges {
  counts: { added: number; removed: number; changed: number; moved: number };
  added: string[];
  removed: string[];
  changed: string[];
  moved: string[];
}

/** What an update changed, small whatever the document's size: top-level fields and keyed-array ids. */
export interface ChangeSummary {
  fields: string[];
  byId: Record<string, KeyedChanges>;
}

/** Ids listed per kind of change in a summary; the counts are always exact. */
const SUMMARY_IDS = 100;
/** Above this many moves and inserts a keyed array is replaced whole: placing each costs a scan. */
const MAX_PLACEMENTS = 5_000;

type Keyed = { id: string } & Record<string, unknown>;

const escapeToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  if (keys.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
  return keys.every((k) => rb[k] !== undefined && equal(ra[k], rb[k]));
}

function keyedIds(items: unknown[]): string[] | null {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (!isRecord(item) || typeof item.id !== 'string' || seen.has(item.id)) return null;
    seen.add(item.id);
    ids.push(item.id);
  }
  return ids;
}

/** Indexes (into `seq`) of one longest strictly increasing subsequence, O(n log n). */
function longestIncreasing(seq: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Int32Array(seq.length).fill(-1);
  for (let i = 0; i < seq.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]! < seq[i]!) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  }
  const keep = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1]! : -1; i >= 0; i = prev[i]!) keep.add(i);
  return keep;
}

function capped(ids: string[]): string[] {
  return ids.length > SUMMARY_IDS ? ids.slice(0, SUMMARY_IDS) : ids;
}

/**
 * Diffs two arrays of objects keyed by id: removals (highest index first), then each inserted or moved
 * element placed right after its new predecessor, then in-place changes. Elements on a longest run that
 * kept its order never move, so moving one rule is one `move`.
 */
function diffKeyed(before: Keyed[], after: Keyed[], path: string, out: PatchOp[]): KeyedChanges | null {
  const afterAt = new Map(after.map((r, i) => [r.id, i]));
  const beforeById = new Map(before.map((r) => [r.id, r]));
  const removed: string[] = [];
  const ops: PatchOp[] = [];
  for (let j = before.length - 1; j >= 0; j--) {
    if (!afterAt.has(before[j]!.id)) {
      ops.push({ op: 'remove', path: `${path}/${j}` });
      removed.push(before[j]!.id);
    }
  }
  removed.reverse();
  const working = before.map((r) => r.id).filter((id) => afterAt.has(id));
  const stableAt = longestIncreasing(working.map((id) => afterAt.get(id)!));
  const stable = new Set(working.filter((_, i) => stableAt.has(i)));
  const added: string[] = [];
  const moved: string[] = [];
  let placements = 0;
  for (let i = 0; i < after.length; i++) {
    const id = after[i]!.id;
    if (stable.has(id)) continue;
    if (++placements > MAX_PLACEMENTS) return null;
    const isNew = !beforeById.has(id);
    const from = isNew ? -1 : working.indexOf(id);
    if (!isNew) working.splice(from, 1);
    const to = i === 0 ? 0 : working.indexOf(after[i - 1]!.id) + 1;
    working.splice(to, 0, id);
    if (isNew) {
      ops.push({ op: 'add', path: `${path}/${to}`, value: after[i] });
      added.push(id);
    } else if (from !== to) {
      ops.push({ op: 'move', from: `${path}/${from}`, path: `${path}/${to}` });
      moved.push(id);
    }
  }
  const changed: string[] = [];
  for (let i = 0; i < after.length; i++) {
    const old = beforeById.get(after[i]!.id);
    if (old && !equal(old, after[i])) {
      changed.push(after[i]!.id);
      diffValue(old, after[i], `${path}/${i}`, ops);
    }
  }
  out.push(...ops);
  return {
    counts: { added: added.length, removed: removed.length, changed: changed.length, moved: moved.length },
    added: capped(added),
    removed: capped(removed),
    changed: capped(changed),
    moved: capped(moved),
  };
}

function diffArray(before: unknown[], after: unknown[], path: string, out: PatchOp[]): KeyedChanges | null {
  if (before.length > 0 || after.length > 0) {
    const b = keyedIds(before);
    const a = keyedIds(after);
    if (a && b) {
      const changes = diffKeyed(before as Keyed[], after as Keyed[], path, out);
      if (changes) return changes;
      out.push({ op: 'replace', path, value: after });
      return null;
    }
  }
  if (before.length !== after.length) {
    out.push({ op: 'replace', path, value: after });
    return null;
  }
  for (let i = 0; i < after.length; i++) diffValue(before[i], after[i], `${path}/${i}`, out);
  return null;
}

function diffValue(before: unknown, after: unknown, path: string, out: PatchOp[]): KeyedChanges | null {
  if (equal(before, after)) return null;
  if (Array.isArray(before) && Array.isArray(after)) return diffArray(before, after, path, out);
  if (!isRecord(before) || !isRecord(after)) {
    out.push({ op: 'replace', path, value: after });
    return null;
  }
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && after[key] === undefined)
      out.push({ op: 'remove', path: `${path}/${escapeToken(key)}` });
  }
  for (const key of Object.keys(after)) {
    if (after[key] === undefined) continue;
    const at = `${path}/${escapeToken(key)}`;
    if (before[key] === undefined) out.push({ op: 'add', path: at, value: after[key] });
    else diffValue(before[key], after[key], at, out);
  }
  return null;
}

/**
 * An update as an RFC 6902 JSON Patch that turns `before` into `after`, and a summary naming what changed.
 * Arrays of objects with unique string ids are diffed by id (remove, add, move, change per element);
 * other arrays index by index when their length is kept, else replaced whole.
 */
export function diffDocuments(before: unknown, after: unknown): { patch: PatchOp[]; summary: ChangeSummary } {
  const patch: PatchOp[] = [];
  const summary: ChangeSummary = { fields: [], byId: {} };
  if (!isRecord(before) || !isRecord(after)) {
    diffValue(before, after, '', patch);
    return { patch, summary };
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (equal(before[key], after[key])) continue;
    summary.fields.push(key);
    const at = `/${escapeToken(key)}`;
    if (after[key] === undefined) patch.push({ op: 'remove', path: at });
    else if (before[key] === undefined) patch.push({ op: 'add', path: at, value: after[key] });
    else {
      const keyed = diffValue(before[key], after[key], at, patch);
      if (keyed) summary.byId[key] = keyed;
    }
  }
  return { patch, summary };
}
