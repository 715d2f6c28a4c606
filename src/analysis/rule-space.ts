import type { AddressMatch, CompiledRule, ServiceMatch } from '../compiler/types.js';
import {
  complementRanges,
  complementV6Ranges,
  normalizeRanges,
  normalizeV6Ranges,
  V6_MAX,
} from '../dataplane/classifier/ranges.js';
import { AddressAxis, type Family } from './address-axis.js';
import { boundingBox, samplePoint, type Cube, type Point } from './cube.js';
import type { Ranges } from './ranges.js';

const PROTO_FULL = [0, 255];
const PORT_FULL = [0, 0xffff];
const V4_MAX = 0xffffffff;
/** sample packets prefer TCP, UDP, ICMP and an ephemeral source port where the cube allows */
const PREFERRED = [[], [], [6, 17, 1, 58], [49152], [443, 80]];

/** What a rule matches in one address family, as disjoint-or-not cubes (one per service entry). */
export interface RuleCubes {
  cubes: Cube[];
  box: Float64Array;
}

export interface FamilySpace {
  axis: AddressAxis;
  /** per compiled rule; null when the rule matches no packet of this family */
  rules: (RuleCubes | null)[];
}

export interface Packet {
  family: Family;
  src: string;
  dst: string;
  proto: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
}

function familyRanges(m: AddressMatch, family: Family): bigint[] {
  if (m.any) return [0n, family === 4 ? BigInt(V4_MAX) : V6_MAX];
  const what = () => 'rule address set';
  if (family === 4) {
    let r = normalizeRanges(m.set.v4, V4_MAX, 'invalid-address-set', what);
    if (m.negate) r = complementRanges(r, V4_MAX);
    return r.map(BigInt);
  }
  const r = m.set.v6.length === 0 ? [] : normalizeV6Ranges(m.set.v6, what);
  return m.negate ? complementV6Ranges(r) : r;
}

function portRanges(list: readonly number[]): Ranges {
  return list.length === 0 ? PORT_FULL : normalizeRanges(list, 0xffff, 'invalid-service', () => 'rule ports');
}

function serviceSides(services: readonly ServiceMatch[]): Ranges[][] {
  if (services.length === 0) return [[PROTO_FULL, PORT_FULL, PORT_FULL]];
  return services.map((s) => [
    s.proto === -1 ? PROTO_FULL : [s.proto, s.proto],
    portRanges(s.sport),
    portRanges(s.dport),
  ]);
}

/** The rules' matches in one family over that family's address axis. */
export function familySpace(rules: readonly CompiledRule[], family: Family): FamilySpace {
  const src = rules.map((r) => familyRanges(r.src, family));
  const dst = rules.map((r) => familyRanges(r.dst, family));
  const axis = new AddressAxis(family, [...src, ...dst]);
  const space = rules.map((r, i): RuleCubes | null => {
    if (src[i]!.length === 0 || dst[i]!.length === 0) return null;
    const s = axis.toCoordinates(src[i]!);
    const d = axis.toCoordinates(dst[i]!);
    const cubes = serviceSides(r.services).map((svc): Cube => [s, d, ...svc]);
    return { cubes, box: boundingBox(cubes) };
  });
  return { axis, rules: space };
}

const PREFERRED_ICMP = [[], [], [], [8, 128, 0], [0]];

/** A sample packet of the cube; an ICMP one is an echo request where the cube allows. */
export function pointOf(cube: Cube): Point {
  const p = samplePoint(cube, PREFERRED);
  return p[2] === 1 || p[2] === 58 ? samplePoint(cube, [[], [], [p[2]], ...PREFERRED_ICMP.slice(3)]) : p;
}

export function packetOf(axis: AddressAxis, p: Point): Packet {
  const [s, d, proto, sport, dport] = p as [number, number, number, number, number];
  const base = { family: axis.family, src: axis.address(s), dst: axis.address(d), proto };
  if (proto === 1 || proto === 58) return { ...base, icmpType: sport, icmpCode: dport };
  return { ...base, sport, dport };
}
