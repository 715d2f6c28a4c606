import type { CompiledRule } from '../compiler/types.js';
import {
  boundingBox,
  boxesMeet,
  cubeHas,
  intersectCubes,
  subtractCube,
  type Cube,
  type Point,
} from './cube.js';
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
  readonly defaultKey: string;
  readonly cap: number;
  readonly #cubes: readonly RuleCubes[];

  constructor(
    rules: readonly CompiledRule[],
    space: readonly (RuleCubes | null)[],
    list: readonly number[],
    defaultAction: string,
    cap: number,
  ) {
    this.positions = list.filter((i) => space[i] !== null);
    this.#cubes = this.positions.map((i) => space[i]!);
    this.keys = this.positions.map((i) => decisionKey(rules[i]!));
    const app = this.positions.findIndex((i) => rules[i]!.category === 'application');
    this.appStart = app < 0 ? this.positions.length : app;
    this.defaultKey = defaultAction;
    this.cap = cap;
  }

  get length(): number {
    return this.positions.length;
  }

  cubesAt(pos: number): RuleCubes {
    return this.#cubes[pos]!;
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
    const toApp: Cube[] = [];
    const step = (pos: number): boolean => {
      const rc = this.#cubes[pos]!;
      if (!boxesMeet(rc.box, boundingBox(x))) return true;
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
      if (next) x = next;
      else out.capped = true;
      return true;
    };
    for (let pos = from; pos < Math.min(to, this.appStart) && x.length > 0; pos++) if (!step(pos)) return out;
    if (to >= this.appStart) {
      x.push(...toApp);
      for (let pos = Math.max(from, this.appStart); pos < to && x.length > 0; pos++)
        if (!step(pos)) return out;
    }
    out.rest = x;
    return out;
  }

  /** Position of the rule deciding point p (-1: the default action), leaving out position `without`. */
  decide(p: Point, without = -1): number {
    let pos = 0;
    for (; pos < this.appStart; pos++) {
      if (pos === without || !this.#has(pos, p)) continue;
      if (this.keys[pos] !== JUMP) return pos;
      break;
    }
    for (pos = this.appStart; pos < this.length; pos++) {
      if (pos !== without && this.keys[pos] !== JUMP && this.#has(pos, p)) return pos;
    }
    return -1;
  }

  keyOf(pos: number): string {
    return pos < 0 ? this.defaultKey : this.keys[pos]!;
  }

  /** Whether point p gets to the rule at `pos` and matches it there (what the rule's counter would count). */
  reaches(p: Point, pos: number): boolean {
    let a = 0;
    for (; a < this.appStart; a++) {
      if (!this.#has(a, p)) continue;
      if (a === pos) return true;
      if (this.keys[a] !== JUMP) return false;
      break;
    }
    if (pos < this.appStart) return false;
    for (a = this.appStart; a < pos; a++) if (this.keys[a] !== JUMP && this.#has(a, p)) return false;
    return this.#has(pos, p);
  }

  #has(pos: number, p: Point): boolean {
    return this.#cubes[pos]!.cubes.some((c) => cubeHas(c, p));
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
