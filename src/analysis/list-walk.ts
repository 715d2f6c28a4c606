import type { CompiledRule } from '../compiler/types.js';
import { boundingBox, cubeHas, intersectCubes, subtractCube, type Cube, type Point } from './cube.js';
import type { RuleCubes } from './rule-space.js';

export const JUMP = 'jump';

/** What a packet gets: the action, and for an allow whether it opens a flow and checks TCP strictly. */
export function decisionKey(rule: Pick<CompiledRule, 'action' | 'stateful' | 'tcpStrict'>): string {
  if (rule.action === 'jumpToApplication') return JUMP;
  if (rule.action !== 'allow') return rule.action;
  return `allow${rule.stateful ? '' : ' stateless'}${rule.tcpStrict ? ' tcpStrict' : ''}`;
}

export interface WalkResult {
  /** the packets that get past every rule walked (to `to`, or to the default action) */
  rest: Cube[];
  /** pieces taken by non-application jumpToApplication rules when the walk ends before that category */
  jumped: { pos: number; piece: Cube[] }[];
  /** a subtraction was skipped to keep the box count under the cap: `rest` may hold too much */
  capped: boolean;
  stopped: boolean;
}

/**
 * One rule list (one vNIC direction's rules, in evaluation order) in one address family, over the rules
 * that match anything there. Walks sets of packets through it with the data plane's first-match
 * semantics: a jumpToApplication rule before the application category sends its packets on to that
 * category; one inside it decides nothing.
 */
export class ListWalker {
  readonly positions: readonly number[];
  readonly keys: readonly string[];
  readonly appStart: number;
  readonly length: number;
  readonly defaultKey: string;
  readonly cap: number;
  private readonly cubes: readonly RuleCubes[];
  /** every rule's bounding box, ten numbers each */
  private readonly boxes: Float64Array;
  /** 1 where the rule is one cube of single ranges, so its bounding box is exact */
  private readonly simple: Uint8Array;
  private readonly jump: Uint8Array;

  constructor(
    rules: readonly CompiledRule[],
    space: readonly (RuleCubes | null)[],
    list: readonly number[],
    defaultAction: string,
    cap: number,
  ) {
    this.positions = list.filter((i) => space[i] !== null);
    this.length = this.positions.length;
    this.cubes = this.positions.map((i) => space[i]!);
    this.boxes = new Float64Array(this.positions.length * 10);
    this.cubes.forEach((c, pos) => this.boxes.set(c.box, pos * 10));
    this.simple = Uint8Array.from(this.cubes, (c) =>
      c.cubes.length === 1 && c.cubes[0]!.every((side) => side.length === 2) ? 1 : 0,
    );
    this.keys = this.positions.map((i) => decisionKey(rules[i]!));
    this.jump = Uint8Array.from(this.keys, (k) => (k === JUMP ? 1 : 0));
    const app = this.positions.findIndex((i) => rules[i]!.category === 'application');
    this.appStart = app < 0 ? this.positions.length : app;
    this.defaultKey = defaultAction;
    this.cap = cap;
  }

  isSimple(pos: number): boolean {
    return this.simple[pos] === 1;
  }

  /** Whether the bounding box of the rule at `a` lies within that of the rule at `b`. */
  boxWithin(a: number, b: number): boolean {
    const x = this.boxes;
    const i = a * 10;
    const j = b * 10;
    for (let k = 0; k < 10; k += 2) if (x[i + k]! < x[j + k]! || x[i + k + 1]! > x[j + k + 1]!) return false;
    return true;
  }

  /** Whether the bounding boxes of the rules at positions a and b meet. */
  boxesMeetAt(a: number, b: number): boolean {
    const x = this.boxes;
    const i = a * 10;
    const j = b * 10;
    for (let k = 0; k < 10; k += 2) if (x[i + k]! > x[j + k + 1]! || x[j + k]! > x[i + k + 1]!) return false;
    return true;
  }

  cubesAt(pos: number): RuleCubes {
    return this.cubes[pos]!;
  }

  /**
   * Walks `cubes` (packets that reach position `from`) up to position `to` (exclusive; `length` = on to
   * the default action); `visit` sees each deciding rule's piece and may stop the walk by returning false.
   */
  walk(
    cubes: readonly Cube[],
    from: number,
    to: number,
    visit: (pos: number, piece: Cube[]) => boolean,
  ): WalkResult {
    const out: WalkResult = { rest: [], jumped: [], capped: false, stopped: false };
    let x: Cube[] = [...cubes];
    let box = boundingBox(x);
    const toApp: Cube[] = [];
    const boxes = this.boxes;
    const step = (pos: number): boolean => {
      const rc = this.cubes[pos]!;
      const piece = intersectAll(x, rc.cubes);
      if (piece.length === 0) return true;
      if (this.keys[pos] === JUMP) {
        if (pos >= this.appStart) return true;
        if (to >= this.appStart) toApp.push(...piece);
        else out.jumped.push({ pos, piece });
      } else if (!visit(pos, piece)) {
        out.stopped = true;
        return false;
      }
      const next = subtractAll(x, rc.cubes, this.cap);
      if (next) {
        x = next;
        box = boundingBox(x);
      } else out.capped = true;
      return true;
    };
    // the scan is the hot loop of the analysis: a flat bounding-box test before any set work
    const scan = (start: number, end: number): boolean => {
      for (let pos = start; pos < end && x.length > 0; pos++) {
        const o = pos * 10;
        if (
          boxes[o]! > box[1]! ||
          boxes[o + 1]! < box[0]! ||
          boxes[o + 2]! > box[3]! ||
          boxes[o + 3]! < box[2]! ||
          boxes[o + 4]! > box[5]! ||
          boxes[o + 5]! < box[4]! ||
          boxes[o + 6]! > box[7]! ||
          boxes[o + 7]! < box[6]! ||
          boxes[o + 8]! > box[9]! ||
          boxes[o + 9]! < box[8]!
        )
          continue;
        if (!step(pos)) return false;
      }
      return true;
    };
    if (!scan(from, Math.min(to, this.appStart))) return out;
    if (to >= this.appStart) {
      x.push(...toApp);
      box = boundingBox(x);
      if (!scan(Math.max(from, this.appStart), to)) return out;
    }
    out.rest = x;
    return out;
  }

  /** Position of the rule deciding point p (-1: the default action), leaving out position `without`. */
  decide(p: Point, without = -1): number {
    const jump = this.jump;
    let pos = 0;
    for (; pos < this.appStart; pos++) {
      if (pos === without || !this.has(pos, p)) continue;
      if (jump[pos] === 0) return pos;
      break;
    }
    return this.decideFrom(p, this.appStart, without);
  }

  /** Where evaluation of point p goes on from position `from`, which p reached (-1: the default action). */
  decideFrom(p: Point, from: number, without = -1): number {
    const jump = this.jump;
    const n = this.length;
    let pos = from;
    for (; pos < this.appStart; pos++) {
      if (pos === without || !this.has(pos, p)) continue;
      if (jump[pos] === 0) return pos;
      break;
    }
    for (pos = Math.max(from, this.appStart); pos < n; pos++) {
      if (pos !== without && jump[pos] === 0 && this.has(pos, p)) return pos;
    }
    return -1;
  }

  keyOf(pos: number): string {
    return pos < 0 ? this.defaultKey : this.keys[pos]!;
  }

  /** Those of the points that reach the rule at `pos` (see reaches), in one scan for all of them. */
  reachingAll(points: readonly Point[], pos: number): Point[] {
    const alive = points.filter((p) => this.has(pos, p));
    if (pos >= this.appStart) return alive.filter((p) => this.reaches(p, pos));
    // before the application category any earlier match, jump or not, keeps a packet from the rule
    const dead = new Uint8Array(alive.length);
    let live = alive.length;
    for (let a = 0; a < pos && live > 0; a++) {
      for (let k = 0; k < alive.length; k++) {
        if (dead[k] === 0 && this.has(a, alive[k]!)) {
          dead[k] = 1;
          live--;
        }
      }
    }
    return alive.filter((_, k) => dead[k] === 0);
  }

  /** Whether point p gets to the rule at `pos` and matches it there (what the rule's counter would count). */
  reaches(p: Point, pos: number): boolean {
    const jump = this.jump;
    let a = 0;
    for (; a < this.appStart; a++) {
      if (!this.has(a, p)) continue;
      if (a === pos) return true;
      if (jump[a] === 0) return false;
      break;
    }
    if (pos < this.appStart) return false;
    for (a = this.appStart; a < pos; a++) if (jump[a] === 0 && this.has(a, p)) return false;
    return this.has(pos, p);
  }

  private has(pos: number, p: Point): boolean {
    const b = this.boxes;
    const o = pos * 10;
    for (let f = 0; f < 5; f++) if (p[f]! < b[o + 2 * f]! || p[f]! > b[o + 2 * f + 1]!) return false;
    return this.simple[pos] === 1 || this.cubes[pos]!.cubes.some((c) => cubeHas(c, p));
  }
}

export function intersectAll(a: readonly Cube[], b: readonly Cube[]): Cube[] {
  const out: Cube[] = [];
  for (const x of a) {
    for (const y of b) {
      const c = intersectCubes(x, y);
      if (c) out.push(c);
    }
  }
  return out;
}

/** a minus the union b, or null when the result would hold more than `cap` cubes. */
export function subtractAll(a: readonly Cube[], b: readonly Cube[], cap: number): Cube[] | null {
  let x: Cube[] = a as Cube[];
  for (const c of b) {
    const next: Cube[] = [];
    for (const r of x) {
      for (const piece of subtractCube(r, c)) next.push(piece);
      if (next.length > cap) return null;
    }
    x = next;
  }
  return x;
}
