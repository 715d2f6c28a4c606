import type { ServiceMatch } from '../../src/compiler/types.js';
import { BitVectorClasses, type ClassVectors } from '../../src/dataplane/classifier/bit-vector-classes.js';
import { crossProduct } from '../../src/dataplane/classifier/cross-product.js';
import { intervalTable, Segments, sweepIntervals } from '../../src/dataplane/classifier/interval-sweep.js';
import { normalizeRanges } from '../../src/dataplane/classifier/ranges.js';

const PROTOS = 256;
const PORTS = 0x10000;

/** One sub-rule's service; `null` = any service. */
export interface ServiceOwner {
  service: ServiceMatch | null;
  bit: number;
  rule: number;
  entry: number;
}

function portSegments(segs: Segments, owner: ServiceOwner, side: 'sport' | 'dport'): void {
  const { bit } = owner;
  const what = () => `rule ${owner.rule} service ${owner.entry} ${side}`;
  const ranges = normalizeRanges(owner.service![side], PORTS - 1, 'invalid-service', what);
  if (ranges.length === 0) segs.add(0, PORTS - 1, bit, 1);
  for (let i = 0; i < ranges.length; i += 2) segs.add(ranges[i]!, ranges[i + 1]!, bit, 1);
}

function fieldTable(segs: Segments, domainEnd: number, words: number) {
  const store = new BitVectorClasses(words);
  const table = intervalTable(sweepIntervals(segs, domainEnd, store), domainEnd);
  return { table, count: store.count, ...store.finish() };
}

/**
 * Service classes of sub-rules as two fields: (proto, sport) from an RFC-style cross product of the
 * protocol and source-port tables (both usually have few classes), and dport from a direct table.
 * Crossing in dport too would save one AND per word at lookup but multiplies build work by its
 * class count.
 */
export class ServiceIndex {
  readonly protoSport: ClassVectors;
  readonly dport: ClassVectors;
  #protoClass: Uint16Array;
  #sportClass: Uint16Array;
  #dportClass: Uint16Array;
  #sportCount: number;
  #protoSportClass: Int32Array;

  constructor(owners: readonly ServiceOwner[], words: number) {
    const proto = new Segments();
    const sport = new Segments();
    const dport = new Segments();
    for (const owner of owners) {
      const { service, bit } = owner;
      if (service === null) {
        proto.add(0, PROTOS - 1, bit, 1);
        sport.add(0, PORTS - 1, bit, 1);
        dport.add(0, PORTS - 1, bit, 1);
        continue;
      }
      if (service.proto === -1) proto.add(0, PROTOS - 1, bit, 1);
      else proto.add(service.proto, service.proto, bit, 1);
      portSegments(sport, owner, 'sport');
      portSegments(dport, owner, 'dport');
    }
    const p = fieldTable(proto, PROTOS, words);
    const s = fieldTable(sport, PORTS, words);
    const d = fieldTable(dport, PORTS, words);
    const psStore = new BitVectorClasses(words);
    this.#protoSportClass = crossProduct(p, p.count, s, s.count, psStore);
    this.protoSport = psStore.finish();
    this.dport = { vectors: d.vectors, summaries: d.summaries };
    this.#protoClass = p.table;
    this.#sportClass = s.table;
    this.#dportClass = d.table;
    this.#sportCount = s.count;
  }

  protoSportClassOf(proto: number, sport: number): number {
    return this.#protoSportClass[
      this.#protoClass[proto & 0xff]! * this.#sportCount + this.#sportClass[sport & 0xffff]!
    ]!;
  }

  dportClassOf(dport: number): number {
    return this.#dportClass[dport & 0xffff]!;
  }
}
