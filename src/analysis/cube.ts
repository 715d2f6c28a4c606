import { intersectRanges, rangesHave, rangesMeet, subtractRanges, type Ranges } from './ranges.js';

/** Fields of a cube, in this order: source, destination (address coordinates, see axis.ts), protocol, ports. */
export const FIELDS = 5;

/** A product of range sets over the five header fields: every combination of its sides' values. */
export type Cube = readonly Ranges[];

/** A point of the header space: source, destination (coordinates), protocol, source and destination port. */
export type Point = readonly number[];

export function cubesMeet(a: Cube, b: Cube): boolean {
  for (let f = 0; f < FIELDS; f++) if (!rangesMeet(a[f]!, b[f]!)) return false;
  return true;
}

export function intersectCubes(a: Cube, b: Cube): Cube | null {
  const out: Ranges[] = [];
  for (let f = 0; f < FIELDS; f++) {
    const side = intersectRanges(a[f]!, b[f]!);
    if (side.length === 0) return null;
    out.push(side);
  }
  return out;
}

/**
 * `a` minus `b` as disjoint cubes: piece f keeps the overlap in the fields before f, takes what of
 * field f lies outside `b`, and all of `a` in the fields after it.
 */
export function subtractCube(a: Cube, b: Cube): Cube[] {
  if (!cubesMeet(a, b)) return [a];
  const out: Cube[] = [];
  const head: Ranges[] = [];
  for (let f = 0; f < FIELDS; f++) {
    const outside = subtractRanges(a[f]!, b[f]!);
    if (outside.length > 0) out.push([...head, outside, ...a.slice(f + 1)]);
    head.push(intersectRanges(a[f]!, b[f]!));
  }
  return out;
}

export function cubeHas(c: Cube, p: Point): boolean {
  for (let f = 0; f < FIELDS; f++) if (!rangesHave(c[f]!, p[f]!)) return false;
  return true;
}

/** Whether every point of the cubes `a` lies in the union `b`. */
export function cubesWithin(a: readonly Cube[], b: readonly Cube[]): boolean {
  let rest: Cube[] = [...a];
  for (const c of b) {
    rest = rest.flatMap((r) => subtractCube(r, c));
    if (rest.length === 0) return true;
  }
  return rest.length === 0;
}

/** The lowest point of a cube, with a preferred value per field when the cube holds it. */
export function samplePoint(c: Cube, preferred: readonly (readonly number[])[] = []): Point {
  return c.map((side, f) => preferred[f]?.find((v) => rangesHave(side, v)) ?? side[0]!);
}

/** Bounding box [lo0, hi0, lo1, hi1, ...] of some cubes; for a quick test before the exact one. */
export function boundingBox(cubes: readonly Cube[]): Float64Array {
  const box = new Float64Array(FIELDS * 2);
  for (let f = 0; f < FIELDS; f++) {
    box[f * 2] = Infinity;
    box[f * 2 + 1] = -Infinity;
  }
  for (const c of cubes) {
    for (let f = 0; f < FIELDS; f++) {
      const side = c[f]!;
      if (side[0]! < box[f * 2]!) box[f * 2] = side[0]!;
      if (side[side.length - 1]! > box[f * 2 + 1]!) box[f * 2 + 1] = side[side.length - 1]!;
    }
  }
  return box;
}

export function boxesMeet(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < 10; i += 2) if (a[i]! > b[i + 1]! || b[i]! > a[i + 1]!) return false;
  return true;
}
