import type { ServiceMatch } from '../../compiler/types.js';
import { BitVectorClasses } from './bit-vector-classes.js';
import { chunkField, type ChunkedField } from './chunked-field.js';
import { crossProduct } from './cross-product.js';
import { intervalTable, Segments, sweepIntervals } from './interval-sweep.js';
import { normalizeRanges } from './ranges.js';

const PROTOS = 256;
const PORTS = 0x10000;
/** word ANDs that crossing (proto, sport) with dport may take at most, about 50 ms */
const MAX_CROSS_WORDS = 1 << 24;

/** One sub-rule's service; `null` = any service. */
export interface ServiceOwner {
  service: ServiceMatch | null;
  bit: number;
  rule: number;
  entry: number;
}

function portSegments(segs: Segments, owner: ServiceOwner, side: 'sport' | 'dport'): void {
  const { bit } = owner;
  // an inline arrow: a named one would cost every call a `__name` where the bundler keeps names
  const ranges = normalizeRanges(
    owner.service![side],
    PORTS - 1,
    'invalid-service',
    () => `rule ${owner.rule} service ${owner.entry} ${side}`,
  );
  if (ranges.length === 0) segs.add(0, PORTS - 1, bit, 1);
  for (let i = 0; i < ranges.length; i += 2) segs.add(ranges[i]!, ranges[i + 1]!, bit, 1);
}

function sweep(segs: Segments, domainEnd: number, words: number) {
  const store = new BitVectorClasses(words);
  const map = sweepIntervals(segs, domainEnd, store);
  return { map, count: store.count, ...store.finish() };
}

/**
 * Service classes of sub-rules: (proto, sport) from an RFC-style cross product of the protocol and
 * source-port classes (both usually few), crossed again with dport into one field where the product is
 * small enough (one field fewer to intersect per packet), else kept as two fields. Ports map to classes
 * through direct 2^16 tables (128 KB each): a bracketed search there cost a sixth of the lookup rate.
 */
export class ServiceIndex {
  readonly protoSport: ChunkedField;
  readonly dport: ChunkedField;
  /** the two fields crossed into one, when that is cheap enough to build (it is for ClassBench sets) */
  readonly service: ChunkedField | null;
  /** (proto, sport) class * dport class count + dport class -> service class */
  readonly #serviceClass: Int32Array;
  readonly #dportCount: number;
  /** protocol -> its class times the source-port class count */
  readonly #protoRow: Int32Array;
  readonly #sportClass: Uint16Array;
  readonly #dportClass: Uint16Array;
  readonly #protoSportClass: Int32Array;

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
    const p = sweep(proto, PROTOS, words);
    const s = sweep(sport, PORTS, words);
    const d = sweep(dport, PORTS, words);
    const psStore = new BitVectorClasses(words);
    this.#protoSportClass = crossProduct(p, p.count, s, s.count, psStore);
    const ps = psStore.finish();
    this.protoSport = chunkField(ps, psStore.count, words);
    this.dport = chunkField(d, d.count, words);
    this.#dportCount = d.count;
    if (psStore.count * d.count * words <= MAX_CROSS_WORDS) {
      const serviceStore = new BitVectorClasses(words);
      this.#serviceClass = crossProduct(ps, psStore.count, d, d.count, serviceStore);
      this.service = chunkField(serviceStore.finish(), serviceStore.count, words);
    } else {
      this.#serviceClass = new Int32Array(0);
      this.service = null;
    }
    this.#protoRow = Int32Array.from(intervalTable(p.map, PROTOS), (c) => c * s.count);
    this.#sportClass = intervalTable(s.map, PORTS);
    this.#dportClass = intervalTable(d.map, PORTS);
  }

  protoSportClassOf(proto: number, sport: number): number {
    return this.#protoSportClass[this.#protoRow[proto & 0xff]! + this.#sportClass[sport & 0xffff]!]!;
  }

  /** Only when `service` is not null. */
  serviceClassOf(proto: number, sport: number, dport: number): number {
    return this.#serviceClass[
      this.protoSportClassOf(proto, sport) * this.#dportCount + this.#dportClass[dport & 0xffff]!
    ]!;
  }

  dportClassOf(dport: number): number {
    return this.#dportClass[dport & 0xffff]!;
  }
}
