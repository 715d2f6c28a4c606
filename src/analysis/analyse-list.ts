import { cubesWithin, type Cube, type Point } from './cube.js';
import { intersectAll, JUMP, type ListWalker } from './list-walk.js';
import { pointOf } from './rule-space.js';

export type Relation = 'correlated' | 'generalization';

export interface Related {
  kind: Relation;
  /** position in the list of the earlier rule */
  pos: number;
  sample: Point;
}

/** What one rule does in one rule list of one family. */
export interface ListOutcome {
  pos: number;
  /** null: undecided, the residual hit the box cap and no sample packet proved it reachable */
  reachable: boolean | null;
  /** removing the rule changes no packet's decision; null: undecided (box cap) */
  noEffect: boolean | null;
  /** never reached, and some of its packets decided otherwise than it would */
  shadowed: boolean;
  capped: boolean;
  /** positions of the rules that decide the rule's packets instead of it (or after it, for redundancy) */
  covering: number[];
  /** the default action decides some of the packets it would decide the same way */
  coveredByDefault: boolean;
  sample: Point | null;
  related: Related[];
  relatedCount: Record<Relation, number>;
  note?: string;
}

export interface ListOptions {
  maxRelated: number;
  /** the cap hit: how many residual pieces to try as sample packets */
  witnesses: number;
}

function firstPoint(cubes: readonly Cube[]): Point | null {
  return cubes.length > 0 ? pointOf(cubes[0]!) : null;
}

/** Tries a few pieces' sample points; the first that passes `ok`, or null. */
function witness(cubes: readonly Cube[], tries: number, ok: (p: Point) => boolean): Point | null {
  for (let i = 0; i < Math.min(tries, cubes.length); i++) {
    const p = pointOf(cubes[i]!);
    if (ok(p)) return p;
  }
  return null;
}

/** Exact (under the box cap) reachability, redundancy and pairwise relations of every rule of one list. */
export function analyseList(w: ListWalker, options: ListOptions): ListOutcome[] {
  const out: ListOutcome[] = [];
  const n = w.length;
  for (let pos = 0; pos < n; pos++) {
    const own = w.cubesAt(pos).cubes;
    const key = w.keys[pos]!;
    const o: ListOutcome = {
      pos,
      reachable: false,
      noEffect: true,
      shadowed: false,
      capped: false,
      covering: [],
      coveredByDefault: false,
      sample: null,
      related: [],
      relatedCount: { correlated: 0, generalization: 0 },
    };
    out.push(o);
    if (key === JUMP && pos >= w.appStart) {
      o.reachable = null;
      o.sample = firstPoint(own);
      o.note = 'jumpToApplication inside the application category has nothing to skip and decides nothing';
      continue;
    }
    const shown = witnesses(w, pos, own);
    if (shown.changed) {
      // a packet that reaches the rule and is decided otherwise without it settles the rule cheaply
      o.reachable = true;
      o.noEffect = false;
      o.sample = shown.changed;
      relations(w, o, options);
      continue;
    }
    if (shown.reached && key !== JUMP) {
      // reached, and all of its packets (the reached ones among them) get its decision without it anyway
      const later = sameLater(w, pos, own, key);
      if (later) {
        Object.assign(o, { reachable: true, sample: shown.reached, capped: later.capped }, later.found);
        continue;
      }
    }
    const covering = new Map<number, Cube[]>();
    const back = w.walk(own, 0, pos, (p, piece) => (covering.set(p, piece), true));
    o.capped = back.capped;
    if (back.rest.length === 0) {
      unreachable(w, o, covering, back.jumped, key);
      continue;
    }
    o.reachable = back.capped
      ? witness(back.rest, options.witnesses, (p) => w.reaches(p, pos)) !== null || null
      : true;
    redundancy(w, o, back.rest, key, options);
    relations(w, o, options);
  }
  return out;
}

/** Corners, middle and sample of each cube: candidates for a packet that shows the rule matters. */
function candidates(cube: Cube): Point[] {
  const lo = cube.map((side) => side[0]!);
  const hi = cube.map((side) => side[side.length - 1]!);
  const mid = cube.map((side) => {
    const k = 2 * Math.floor(side.length / 4);
    return Math.floor((side[k]! + side[k + 1]!) / 2);
  });
  return [pointOf(cube), lo, hi, mid];
}

/** A candidate packet that reaches the rule, and one that is also decided otherwise without it. */
function witnesses(
  w: ListWalker,
  pos: number,
  own: readonly Cube[],
): { reached: Point | null; changed: Point | null } {
  const reached = w.reachingAll(own.slice(0, 4).flatMap(candidates), pos);
  const jump = w.keys[pos] === JUMP;
  for (const p of reached) {
    // p matched nothing before the rule, so without it evaluation goes on right after it
    const decided = jump ? w.decide(p) : pos;
    if (w.keyOf(decided) !== w.keyOf(w.decideFrom(p, pos + 1))) return { reached: reached[0]!, changed: p };
  }
  return { reached: reached[0] ?? null, changed: null };
}

/**
 * Whether every packet of `cubes`, evaluated from just after the rule, gets `key`: the rules that give
 * it and whether the default does, or null at the first packet that gets something else.
 */
function sameLater(w: ListWalker, pos: number, cubes: readonly Cube[], key: string) {
  const later = new Set<number>();
  const on = w.walk(cubes, pos + 1, w.length, (p) => w.keys[p] === key && (later.add(p), true));
  if (on.stopped || (on.rest.length > 0 && w.defaultKey !== key)) return null;
  const found = { covering: [...later].sort((a, b) => a - b), coveredByDefault: on.rest.length > 0 };
  return { found, capped: on.capped };
}

function unreachable(
  w: ListWalker,
  o: ListOutcome,
  covering: Map<number, Cube[]>,
  jumped: { pos: number; piece: Cube[] }[],
  key: string,
): void {
  const decided: { pos: number; piece: Cube[] }[] = [...covering].map(([pos, piece]) => ({ pos, piece }));
  for (const j of jumped) {
    // packets that jumped are decided in the application category
    const app = w.walk(j.piece, w.appStart, w.length, (pos, piece) => (decided.push({ pos, piece }), true));
    if (app.rest.length > 0) decided.push({ pos: -1, piece: app.rest });
  }
  const other = decided.find((d) => w.keyOf(d.pos) !== key);
  o.shadowed = key === JUMP ? decided.length > 0 : other !== undefined;
  o.covering = [...new Set([...covering.keys(), ...jumped.map((j) => j.pos)])].sort((a, b) => a - b);
  o.coveredByDefault = decided.some((d) => d.pos < 0);
  o.sample = firstPoint((other ?? decided[0])?.piece ?? []);
}

/** Whether the packets reaching the rule get its decision anyway once it is removed. */
function redundancy(
  w: ListWalker,
  o: ListOutcome,
  residual: Cube[],
  key: string,
  options: ListOptions,
): void {
  // what the rule decides for its packets: its action, or for a jump the application category's decision
  const targets: { piece: Cube[]; key: string }[] = [];
  if (key === JUMP) {
    const app = w.walk(
      residual,
      w.appStart,
      w.length,
      (pos, piece) => (targets.push({ piece, key: w.keys[pos]! }), true),
    );
    if (app.rest.length > 0) targets.push({ piece: app.rest, key: w.defaultKey });
    o.capped ||= app.capped;
  } else targets.push({ piece: residual, key });

  const later = new Set<number>();
  for (const t of targets) {
    let mismatch: Cube[] | null = null;
    const on = w.walk(t.piece, o.pos + 1, w.length, (pos, piece) => {
      if (w.keys[pos] === t.key) return (later.add(pos), true);
      mismatch = piece;
      return false;
    });
    o.capped ||= on.capped;
    if (!mismatch && on.rest.length > 0) {
      if (w.defaultKey === t.key) o.coveredByDefault = true;
      else mismatch = on.rest;
    }
    if (mismatch) {
      const changes = (p: Point) => w.keyOf(w.decide(p)) !== w.keyOf(w.decide(p, o.pos));
      o.noEffect = o.capped ? (witness(mismatch, options.witnesses, changes) ? false : null) : false;
      if (o.noEffect === false) return;
    }
  }
  o.covering = [...later].sort((a, b) => a - b);
  o.sample = firstPoint(residual);
}

/** Al-Shaer and Hamed's pairwise classes against every earlier rule that decides differently. */
function relations(w: ListWalker, o: ListOutcome, options: ListOptions): void {
  const mine = w.cubesAt(o.pos);
  const key = w.keys[o.pos]!;
  if (key === JUMP) return;
  for (let e = 0; e < o.pos; e++) {
    const k = w.keys[e]!;
    if (k === JUMP || k === key) continue;
    if (!w.boxesMeetAt(o.pos, e)) continue;
    const theirs = w.cubesAt(e);
    // two boxes of single ranges: their bounding boxes are the rules, so the boxes decide
    const simple = w.isSimple(o.pos) && w.isSimple(e);
    let overlap: Cube[] | null = null;
    if (!simple) {
      overlap = intersectAll(mine.cubes, theirs.cubes);
      if (overlap.length === 0) continue;
    }
    let kind: Relation;
    if (simple ? w.boxWithin(e, o.pos) : cubesWithin(theirs.cubes, mine.cubes)) kind = 'generalization';
    else if (simple ? w.boxWithin(o.pos, e) : cubesWithin(mine.cubes, theirs.cubes)) continue;
    else kind = 'correlated';
    o.relatedCount[kind]++;
    if (o.related.length < options.maxRelated) {
      overlap ??= intersectAll(mine.cubes, theirs.cubes);
      o.related.push({ kind, pos: e, sample: pointOf(overlap[0]!) });
    }
  }
}
