import { describe, expect, it } from 'vitest';
import { batchErrorOf } from './batch-error-of.js';
import {
  ACTION,
  allocVerdicts,
  BatchTooLargeError,
  decodeBinaryBatch,
  decodeBinaryVerdicts,
  decodeJsonBatch,
  encodeBinaryBatch,
  encodeBinaryVerdicts,
  formatTcpFlags,
  NO_RULE,
  packetsToBatch,
  REASON,
  verdictsToJson,
  type JsonPacket,
  type PacketBatch,
  type VnicResolver,
} from '../../src/dataplane/codec/index.js';

const HANDLES: Record<string, number> = { 'web-1-eth0': 7, 'db-1-eth0': 0xfffffffe, 'acme/app-eth0': 42 };
const resolve: VnicResolver = (vnic, tenant) =>
  HANDLES[tenant ? `${tenant}/${vnic}` : vnic] ?? `unknown vNIC for tenant ${tenant ?? '(none)'}`;

const PACKETS: JsonPacket[] = [
  {
    vnic: 'web-1-eth0',
    dir: 'out',
    src: '10.0.1.5',
    dst: '10.0.2.7',
    proto: 6,
    sport: 40512,
    dport: 443,
    flags: 'SA',
    len: 60,
  },
  {
    vnic: 'db-1-eth0',
    dir: 'in',
    src: '2001:db8::1',
    dst: 'fe80::1:2:3:4',
    proto: 17,
    sport: 53,
    dport: 5353,
    len: 1500,
  },
  {
    vnic: 'app-eth0',
    tenant: 'acme',
    dir: 'out',
    src: '192.168.0.1',
    dst: '8.8.8.8',
    proto: 1,
    type: 8,
    code: 0,
    id: 4660,
  },
  {
    vnic: 'web-1-eth0',
    dir: 'in',
    src: '::ffff:1.2.3.4',
    dst: '::1',
    proto: 58,
    sport: 129,
    dport: 0,
    id: 65535,
  },
  { vnic: 'web-1-eth0', dir: 'in', src: '1.1.1.1', dst: '2.2.2.2', proto: 1, sport: 3, dport: 4 },
  { vnic: 'web-1-eth0', dir: 'out', src: '1.1.1.1', dst: '2.2.2.2', proto: 6, flags: 'FSRPAUEC', len: 65535 },
  { vnic: 'web-1-eth0', dir: 'out', src: '1.1.1.1', dst: '2.2.2.2', proto: 17, flags: 'S' },
];

function plain(b: PacketBatch): Record<string, number | number[]> {
  return Object.fromEntries(
    Object.entries(b).map(([k, v]) => [k, typeof v === 'number' ? v : Array.from(v)]),
  );
}

function withHandles(packets: JsonPacket[]) {
  return packets.map((p) => ({ ...p, vnic: HANDLES[p.tenant ? `${p.tenant}/${p.vnic}` : p.vnic]! }));
}

describe('JSON batch', () => {
  const batch = decodeJsonBatch({ packets: PACKETS }, resolve, 100);

  it('decodes every field', () => {
    expect(batch.count).toBe(7);
    expect(Array.from(batch.vnic)).toEqual([7, 0xfffffffe, 42, 7, 7, 7, 7]);
    expect(Array.from(batch.dir)).toEqual([0, 1, 0, 1, 1, 0, 0]);
    expect(Array.from(batch.family)).toEqual([4, 6, 4, 6, 4, 4, 4]);
    expect(Array.from(batch.proto)).toEqual([6, 17, 1, 58, 1, 6, 17]);
    expect(Array.from(batch.flags)).toEqual([2 | 16, 0, 0, 0, 0, 255, 0]);
    expect(Array.from(batch.sport)).toEqual([40512, 53, 8, 129, 3, 0, 0]);
    expect(Array.from(batch.dport)).toEqual([443, 5353, 0, 0, 4, 0, 0]);
    expect(Array.from(batch.icmpId)).toEqual([0, 0, 4660, 65535, 0, 0, 0]);
    expect(Array.from(batch.len)).toEqual([60, 1500, 0, 0, 0, 65535, 0]);
    expect(Array.from(batch.src.subarray(0, 4))).toEqual([0x0a000105, 0, 0, 0]);
    expect(Array.from(batch.dst.subarray(0, 4))).toEqual([0x0a000207, 0, 0, 0]);
    expect(Array.from(batch.src.subarray(4, 8))).toEqual([0x20010db8, 0, 0, 1]);
    expect(Array.from(batch.dst.subarray(4, 8))).toEqual([0xfe800000, 0, 0x10002, 0x30004]);
    expect(Array.from(batch.src.subarray(12, 16))).toEqual([0, 0, 0xffff, 0x01020304]);
  });

  it('matches packetsToBatch and survives a binary round trip', () => {
    expect(plain(packetsToBatch(withHandles(PACKETS)))).toEqual(plain(batch));
    expect(plain(decodeBinaryBatch(encodeBinaryBatch(batch), 100))).toEqual(plain(batch));
  });

  it('allows an empty batch', () => {
    expect(decodeJsonBatch({ packets: [] }, resolve, 0).count).toBe(0);
    expect(decodeBinaryBatch(encodeBinaryBatch(packetsToBatch([])), 0).count).toBe(0);
  });

  it('rejects more than maxPackets with a 413-able error', () => {
    const e = (() => {
      try {
        decodeJsonBatch({ packets: PACKETS }, resolve, 6);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(BatchTooLargeError);
    expect(e).toMatchObject({ code: 'batch-too-large', count: 7, max: 6 });
  });

  const base: JsonPacket = PACKETS[0]!;
  const icmp: JsonPacket = PACKETS[2]!;
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown dir', { ...base, dir: 'sideways' }, 'packets[2].dir: "sideways" is not "out" or "in"'],
    ['missing dir', { ...base, dir: undefined }, 'packets[2].dir: is required'],
    [
      'bad src',
      { ...base, src: '10.0.0.300' },
      'packets[2].src: "10.0.0.300" is not an IPv4 or IPv6 address',
    ],
    ['src not a string', { ...base, src: 167772161 }, 'packets[2].src: 167772161 is not an IPv4 or IPv6'],
    ['missing dst', { ...base, dst: undefined }, 'packets[2].dst: is required'],
    ['mixed families', { ...base, dst: '::1' }, 'packets[2].dst: "::1" is IPv6 but src is IPv4'],
    ['proto too big', { ...base, proto: 256 }, 'packets[2].proto: 256 is not an integer in 0..255'],
    ['proto missing', { ...base, proto: undefined }, 'packets[2].proto: is required'],
    ['proto as string', { ...base, proto: '6' }, 'packets[2].proto: "6" is not an integer'],
    ['port too big', { ...base, sport: 65536 }, 'packets[2].sport: 65536 is not an integer in 0..65535'],
    ['negative port', { ...base, dport: -1 }, 'packets[2].dport: -1 is not an integer'],
    ['fractional port', { ...base, dport: 44.5 }, 'packets[2].dport: 44.5 is not an integer'],
    ['bad flag letter', { ...base, flags: 'SX' }, 'packets[2].flags: "SX" has unknown flag letter "X"'],
    ['lowercase flag', { ...base, flags: 's' }, 'packets[2].flags: "s" has unknown flag letter "s"'],
    ['repeated flag', { ...base, flags: 'SAS' }, 'packets[2].flags: "SAS" repeats flag letter "S"'],
    ['flags not a string', { ...base, flags: 2 }, 'packets[2].flags: 2 is not a string'],
    ['len too big', { ...base, len: 65536 }, 'packets[2].len: 65536 is not an integer in 0..65535'],
    ['len negative', { ...base, len: -1 }, 'packets[2].len: -1 is not an integer in 0..65535'],
    ['missing vnic', { ...base, vnic: undefined }, 'packets[2].vnic: is required'],
    ['empty vnic', { ...base, vnic: '' }, 'packets[2].vnic: "" is not a vNIC name'],
    ['bad tenant', { ...base, tenant: 5 }, 'packets[2].tenant: 5 is not a tenant name'],
    ['unresolved vnic', { ...base, vnic: 'nope' }, 'packets[2].vnic: "nope": unknown vNIC for tenant (none)'],
    ['unknown field', { ...base, sprot: 1 }, 'packets[2].sprot: unknown field'],
    ['type on TCP', { ...base, type: 8 }, 'packets[2].type: only applies to ICMP'],
    ['id on UDP', { ...base, proto: 17, id: 1 }, 'packets[2].id: only applies to ICMP'],
    ['ICMP type too big', { ...icmp, type: 256 }, 'packets[2].type: 256 is not an integer in 0..255'],
    ['ICMP sport as type too big', { ...icmp, type: undefined, sport: 300 }, 'packets[2].sport: 300 is not'],
    ['ICMP type conflicts', { ...icmp, sport: 0 }, 'packets[2].sport: 0 conflicts with type 8'],
    ['ICMP id too big', { ...icmp, id: 70000 }, 'packets[2].id: 70000 is not an integer in 0..65535'],
  ];
  it.each(cases)('names index and field: %s', (_name, bad, message) => {
    const packets = [PACKETS[0], PACKETS[1], bad, { ...base, src: 'also bad' }];
    const e = batchErrorOf(() => decodeJsonBatch({ packets }, resolve, 100));
    expect(e.code).toBe('bad-batch');
    expect(e.index).toBe(2);
    expect(e.message).toContain(message);
  });

  it('rejects non-object records and bodies', () => {
    expect(batchErrorOf(() => decodeJsonBatch({ packets: [base, null] }, resolve, 9)).message).toBe(
      'packets[1]: null is not an object',
    );
    expect(batchErrorOf(() => decodeJsonBatch({ packets: [[1]] }, resolve, 9)).message).toBe(
      'packets[0]: [1] is not an object',
    );
    const body = batchErrorOf(() => decodeJsonBatch([], resolve, 9));
    expect([body.index, body.message]).toEqual([-1, 'body: must be an object with a "packets" array']);
    expect(batchErrorOf(() => decodeJsonBatch({ packets: {} }, resolve, 9)).message).toBe(
      'packets: {} is not an array',
    );
    expect(batchErrorOf(() => decodeJsonBatch({}, resolve, 9)).message).toBe(
      'packets: undefined is not an array',
    );
    expect(batchErrorOf(() => decodeJsonBatch({ packets: [], x: 1 }, resolve, 9)).message).toBe(
      'body.x: unknown field',
    );
  });

  it('accepts ICMP type given both ways when they agree, and ignores flags on non-TCP', () => {
    const b = decodeJsonBatch({ packets: [{ ...icmp, sport: 8, flags: 'S' }] }, resolve, 1);
    expect([b.sport[0], b.flags[0]]).toEqual([8, 0]);
  });

  it('shortens huge bad values in messages', () => {
    const e = batchErrorOf(() =>
      decodeJsonBatch({ packets: [{ ...base, src: 'x'.repeat(10000) }] }, resolve, 1),
    );
    expect(e.message.length).toBeLessThan(120);
  });
});

describe('ICMP error inner header (JSON only)', () => {
  const unreach: JsonPacket = {
    vnic: 'web-1-eth0',
    dir: 'in',
    src: '10.0.2.7',
    dst: '10.0.1.5',
    proto: 1,
    type: 3,
    code: 3,
    len: 88,
    inner: { src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 40000, dport: 5432 },
  };
  const tooBig6: JsonPacket = {
    vnic: 'web-1-eth0',
    dir: 'in',
    src: '2001:db8::ff',
    dst: 'fd00::5',
    proto: 58,
    sport: 2,
    dport: 0,
    inner: { src: 'fd00::5', dst: '2001:db8::1', proto: 17, sport: 5353, dport: 53 },
  };
  const quotesEcho: JsonPacket = {
    vnic: 'web-1-eth0',
    dir: 'in',
    src: '192.0.2.1',
    dst: '10.0.1.5',
    proto: 1,
    type: 11,
    code: 0,
    inner: { src: '10.0.1.5', dst: '8.8.8.8', proto: 1, sport: 4660 },
  };
  const quotesProto0: JsonPacket = { ...unreach, inner: { src: '10.0.1.5', dst: '10.0.2.7', proto: 0 } };
  const packets = [PACKETS[0]!, unreach, tooBig6, quotesEcho, quotesProto0];
  const batch = decodeJsonBatch({ packets }, resolve, 10);

  it('decodes the quoted header next to the packet, flagged by hasInner', () => {
    expect(Array.from(batch.hasInner)).toEqual([0, 1, 1, 1, 1]);
    expect(Array.from(batch.innerProto)).toEqual([0, 6, 17, 1, 0]);
    expect(Array.from(batch.innerSport)).toEqual([0, 40000, 5353, 4660, 0]);
    expect(Array.from(batch.innerDport)).toEqual([0, 5432, 53, 0, 0]);
    expect(Array.from(batch.innerSrc.subarray(0, 8))).toEqual([0, 0, 0, 0, 0x0a000105, 0, 0, 0]);
    expect(Array.from(batch.innerDst.subarray(4, 8))).toEqual([0x0a000207, 0, 0, 0]);
    expect(Array.from(batch.innerSrc.subarray(8, 12))).toEqual([0xfd000000, 0, 0, 5]);
    expect(Array.from(batch.innerDst.subarray(8, 12))).toEqual([0x20010db8, 0, 0, 1]);
    expect(Array.from(batch.innerDst.subarray(12, 13))).toEqual([0x08080808]);
    // the outer packet decodes as without inner
    expect([batch.proto[1], batch.sport[1], batch.dport[1], batch.len[1]]).toEqual([1, 3, 3, 88]);
    expect([batch.proto[2], batch.sport[2], batch.family[2]]).toEqual([58, 2, 6]);
  });

  it('keeps every array in one shared buffer', () => {
    const buffers = new Set(
      Object.values(batch)
        .filter((v): v is Uint8Array => ArrayBuffer.isView(v))
        .map((v) => v.buffer),
    );
    expect(buffers.size).toBe(1);
    expect(batch.innerSrc.length).toBe(4 * packets.length);
  });

  it('is accepted by packetsToBatch and dropped by the binary format', () => {
    expect(plain(packetsToBatch(withHandles(packets)))).toEqual(plain(batch));
    const binary = decodeBinaryBatch(encodeBinaryBatch(batch), 10);
    expect(encodeBinaryBatch(batch).byteLength).toBe(8 + 48 * packets.length);
    expect(Array.from(binary.hasInner)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(binary.innerSrc).every((x) => x === 0)).toBe(true);
    const outer = (b: PacketBatch) =>
      Object.fromEntries(
        Object.entries(plain(b)).filter(([k]) => !k.startsWith('inner') && k !== 'hasInner'),
      );
    expect(outer(binary)).toEqual(outer(batch));
  });

  it('accepts every ICMP error type of each family', () => {
    const v4 = [3, 4, 5, 11, 12].map((type) => ({ ...unreach, type }));
    const v6 = [1, 2, 3, 4].map((sport) => ({ ...tooBig6, sport }));
    expect(decodeJsonBatch({ packets: [...v4, ...v6] }, resolve, 10).hasInner.every((x) => x === 1)).toBe(
      true,
    );
  });

  const cases: [string, Record<string, unknown>, string][] = [
    [
      'inner on TCP',
      { ...PACKETS[0], inner: unreach.inner },
      'packets[1].inner: only applies to ICMP errors',
    ],
    ['inner on an echo', { ...PACKETS[2], inner: unreach.inner }, 'not ICMP type 8'],
    ['v4 error type on v6', { ...tooBig6, sport: 11 }, 'packets[1].inner: only applies to ICMP errors'],
    ['inner not an object', { ...unreach, inner: 'tcp' }, 'packets[1].inner: "tcp" is not an object'],
    ['inner null', { ...unreach, inner: null }, 'packets[1].inner: null is not an object'],
    ['inner array', { ...unreach, inner: [] }, 'packets[1].inner: [] is not an object'],
    [
      'unknown inner field',
      { ...unreach, inner: { ...unreach.inner, flags: 'S' } },
      'packets[1].inner.flags: unknown field',
    ],
    [
      'missing inner src',
      { ...unreach, inner: { ...unreach.inner, src: undefined } },
      'packets[1].inner.src: is required',
    ],
    [
      'bad inner src',
      { ...unreach, inner: { ...unreach.inner, src: '10.0.0.256' } },
      'packets[1].inner.src: "10.0.0.256" is not an IPv4 or IPv6 address',
    ],
    [
      'inner dst of the other family',
      { ...unreach, inner: { ...unreach.inner, dst: 'fd00::1' } },
      'packets[1].inner.dst: "fd00::1" is IPv6 but the packet is IPv4',
    ],
    [
      'v6 packet quoting v4',
      { ...tooBig6, inner: { ...tooBig6.inner, src: '10.0.1.5', dst: '10.0.2.7' } },
      'packets[1].inner.src: "10.0.1.5" is IPv4 but the packet is IPv6',
    ],
    [
      'missing inner proto',
      { ...unreach, inner: { ...unreach.inner, proto: undefined } },
      'packets[1].inner.proto: is required',
    ],
    [
      'inner proto too big',
      { ...unreach, inner: { ...unreach.inner, proto: 256 } },
      'packets[1].inner.proto: 256 is not an integer in 0..255',
    ],
    [
      'inner sport too big',
      { ...unreach, inner: { ...unreach.inner, sport: 65536 } },
      'packets[1].inner.sport: 65536 is not an integer in 0..65535',
    ],
    [
      'inner dport as string',
      { ...unreach, inner: { ...unreach.inner, dport: '5432' } },
      'packets[1].inner.dport: "5432" is not an integer',
    ],
    [
      'dport of a quoted ICMP packet',
      { ...quotesEcho, inner: { ...quotesEcho.inner, dport: 0 } },
      'packets[1].inner.dport: does not apply to a quoted ICMP packet',
    ],
  ];
  it.each(cases)('names index and field: %s', (_name, bad, message) => {
    const list = [unreach, bad, { ...unreach, inner: { ...unreach.inner, proto: -1 } }];
    for (const decode of [
      () => decodeJsonBatch({ packets: list }, resolve, 10),
      () => packetsToBatch(withHandles(list as JsonPacket[])),
    ]) {
      const e = batchErrorOf(decode);
      expect(e.index).toBe(1);
      expect(e.message).toContain(message);
    }
  });
});

describe('binary batch', () => {
  /** One record written byte by byte from the format description, independent of the encoder. */
  function handRecord(fill: (v: DataView) => void, magic = 'OWP1', size = 48): ArrayBuffer {
    const buf = new ArrayBuffer(8 + size);
    const v = new DataView(buf);
    new Uint8Array(buf).set([...magic].map((ch) => ch.charCodeAt(0)));
    v.setUint32(4, 1, true);
    fill(new DataView(buf, 8));
    return buf;
  }
  /** bytes 0-15, the same in OWP1 and OWP4 records */
  const tcpHead = (r: DataView) => {
    r.setUint32(0, 7, true);
    r.setUint8(4, 0);
    r.setUint8(5, 4);
    r.setUint8(6, 6);
    r.setUint8(7, 2 | 16);
    r.setUint16(8, 40512, true);
    r.setUint16(10, 443, true);
    r.setUint16(14, 60, true);
  };
  const tcpV4 = (r: DataView) => {
    tcpHead(r);
    new Uint8Array(r.buffer, 8 + 16).set([10, 0, 1, 5]);
    new Uint8Array(r.buffer, 8 + 32).set([10, 0, 2, 7]);
  };

  it('follows the documented byte layout', () => {
    const json = decodeJsonBatch({ packets: [PACKETS[0]] }, resolve, 1);
    const hand = handRecord(tcpV4);
    expect(plain(decodeBinaryBatch(hand, 1))).toEqual(plain(json));
    expect(new Uint8Array(encodeBinaryBatch(json))).toEqual(new Uint8Array(hand));
  });

  it('reads OWP4 records (IPv4 only, 24 bytes) as the documented layout gives them', () => {
    const json = decodeJsonBatch({ packets: [PACKETS[0]] }, resolve, 1);
    const hand = handRecord(
      (r) => {
        tcpHead(r);
        new Uint8Array(r.buffer, 8 + 16).set([10, 0, 1, 5, 10, 0, 2, 7]);
      },
      'OWP4',
      24,
    );
    expect(plain(decodeBinaryBatch(hand, 1))).toEqual(plain(json));
    expect(new Uint8Array(encodeBinaryBatch(json, { ipv4Only: true }))).toEqual(new Uint8Array(hand));
  });

  it('decodes OWP4 and OWP1 of the same IPv4 packets alike, also into a spare that held IPv6', () => {
    const v4 = withHandles([PACKETS[0]!, PACKETS[2]!, PACKETS[0]!]);
    const wide = decodeBinaryBatch(encodeBinaryBatch(packetsToBatch(v4)), 10);
    const spare = decodeBinaryBatch(encodeBinaryBatch(packetsToBatch(withHandles([PACKETS[1]!]))), 10);
    const compact = encodeBinaryBatch(packetsToBatch(v4), { ipv4Only: true });
    expect(compact.byteLength).toBe(8 + 24 * 3);
    expect(plain(decodeBinaryBatch(compact, 10, spare))).toEqual(plain(wide));
  });

  it('refuses an IPv6 packet in an OWP4 batch, naming it, and a length that is not 8 + 24 × count', () => {
    const v4 = withHandles([PACKETS[0]!, PACKETS[2]!, PACKETS[0]!]);
    const buf = encodeBinaryBatch(packetsToBatch(v4), { ipv4Only: true });
    new DataView(buf, 8 + 24 * 1).setUint8(5, 6);
    const e = batchErrorOf(() => decodeBinaryBatch(buf, 10));
    expect([e.index, e.field]).toEqual([1, 'family']);
    expect(e.message).toContain('OWP4');
    const short = batchErrorOf(() => decodeBinaryBatch(buf.slice(0, buf.byteLength - 4), 10));
    expect(short.message).toBe('length: 76 bytes, expected 8 + 24 × 3 = 80');
    expect(() => encodeBinaryBatch(packetsToBatch(withHandles([PACKETS[1]!])), { ipv4Only: true })).toThrow(
      RangeError,
    );
  });

  it('puts IPv6 addresses in network byte order', () => {
    const buf = encodeBinaryBatch(decodeJsonBatch({ packets: [PACKETS[1]] }, resolve, 1));
    const bytes = new Uint8Array(buf, 8);
    expect(Array.from(bytes.subarray(16, 32))).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]);
    expect(Array.from(bytes.subarray(32, 36))).toEqual([0xfe, 0x80, 0, 0]);
  });

  it('round trips a large mixed batch', () => {
    const packets = Array.from({ length: 1000 }, (_, i) => PACKETS[i % PACKETS.length]!);
    const batch = packetsToBatch(withHandles(packets));
    const buf = encodeBinaryBatch(batch);
    expect(buf.byteLength).toBe(8 + 48 * 1000);
    expect(plain(decodeBinaryBatch(buf, 1000))).toEqual(plain(batch));
  });

  it('ignores TCP flags on non-TCP packets', () => {
    const buf = handRecord((r) => {
      tcpV4(r);
      r.setUint8(6, 17);
    });
    const b = decodeBinaryBatch(buf, 1);
    expect([b.proto[0], b.flags[0], b.sport[0]]).toEqual([17, 0, 40512]);
  });

  const good = packetsToBatch(withHandles(PACKETS));
  const cases: [string, number, (r: DataView) => void, string][] = [
    ['dir > 1', 0, (r) => r.setUint8(4, 2), 'packets[3].dir: 2 is not 0 (out) or 1 (in)'],
    ['unknown family', 0, (r) => r.setUint8(5, 5), 'packets[3].family: 5 is not 4 or 6'],
    ['IPv4 src padding', 0, (r) => r.setUint8(31, 1), 'packets[3].src: IPv4 padding'],
    ['IPv4 dst padding', 0, (r) => r.setUint8(36, 1), 'packets[3].dst: IPv4 padding'],
    [
      'ICMP type > 255',
      2,
      (r) => r.setUint16(8, 256, true),
      'packets[3].sport: ICMP type 256 is not in 0..255',
    ],
    [
      'ICMP code > 255',
      2,
      (r) => r.setUint16(10, 300, true),
      'packets[3].dport: ICMP code 300 is not in 0..255',
    ],
    [
      'echo id on TCP',
      0,
      (r) => r.setUint16(12, 9, true),
      'packets[3].icmpId: 9 must be 0 unless proto is ICMP',
    ],
  ];
  it.each(cases)('names index and field: %s', (_name, from, corrupt, message) => {
    const batch = packetsToBatch(
      withHandles([PACKETS[0]!, PACKETS[1]!, PACKETS[2]!, PACKETS[from]!, PACKETS[0]!]),
    );
    const buf = encodeBinaryBatch(batch);
    corrupt(new DataView(buf, 8 + 48 * 3));
    new DataView(buf, 8 + 48 * 4).setUint8(5, 9); // a later bad record must not be the one reported
    const e = batchErrorOf(() => decodeBinaryBatch(buf, 10));
    expect(e.index).toBe(3);
    expect(e.message).toContain(message);
  });

  it('rejects bad headers and lengths as a whole', () => {
    const buf = encodeBinaryBatch(good);
    const cut = (n: number) => buf.slice(0, n);
    expect(batchErrorOf(() => decodeBinaryBatch(cut(7), 10)).message).toBe(
      'header: 7 bytes is shorter than the 8-byte header',
    );
    const magic = buf.slice(0);
    new Uint8Array(magic)[3] = 0x32;
    expect(batchErrorOf(() => decodeBinaryBatch(magic, 10)).message).toBe(
      'header.magic: is not "OWP1", "OWP4" or "OWC1"',
    );
    const short = batchErrorOf(() => decodeBinaryBatch(cut(buf.byteLength - 1), 10));
    expect([short.index, short.message]).toEqual([-1, `length: 343 bytes, expected 8 + 48 × 7 = 344`]);
    const long = new Uint8Array(buf.byteLength + 48);
    long.set(new Uint8Array(buf));
    expect(batchErrorOf(() => decodeBinaryBatch(long.buffer, 10)).field).toBe('length');
  });

  it('decodes into a spare batch, leaving no trace of the packets decoded there before', () => {
    /** the batch's first `count` packets, as a batch of exactly that many would hold them */
    const head = (b: PacketBatch) =>
      Object.fromEntries(
        Object.entries(b).map(([k, v]) => {
          if (typeof v === 'number') return [k, v];
          const per = v.length / b.vnic.length;
          return [k, Array.from(v.subarray(0, b.count * per))];
        }),
      );
    const v6 = Array.from({ length: 6 }, () => PACKETS[1]!);
    const v4 = [PACKETS[0]!, PACKETS[2]!, PACKETS[0]!];
    const spare = decodeBinaryBatch(encodeBinaryBatch(packetsToBatch(withHandles(v6))), 10);
    const fresh = decodeBinaryBatch(encodeBinaryBatch(packetsToBatch(withHandles(v4))), 10);
    const reused = decodeBinaryBatch(encodeBinaryBatch(packetsToBatch(withHandles(v4))), 10, spare);
    expect(reused.vnic.buffer).toBe(spare.vnic.buffer);
    expect(head(reused)).toEqual(plain(fresh));
    const larger = Array.from({ length: 7 }, () => PACKETS[0]!);
    const grown = decodeBinaryBatch(encodeBinaryBatch(packetsToBatch(withHandles(larger))), 10, spare);
    expect(grown.vnic.buffer).not.toBe(spare.vnic.buffer);
    expect(grown.count).toBe(7);
  });

  it('rejects more than maxPackets before reading records', () => {
    const header = new Uint8Array([0x4f, 0x57, 0x50, 0x31, 0xff, 0xff, 0xff, 0xff]).buffer;
    expect(() => decodeBinaryBatch(header, 1000)).toThrow(BatchTooLargeError);
    expect(() => decodeBinaryBatch(encodeBinaryBatch(good), 6)).toThrow(/7 packets exceeds the maximum of 6/);
  });
});

describe('verdicts', () => {
  function sample() {
    const v = allocVerdicts(4);
    v.action.set([ACTION.allow, ACTION.drop, ACTION.reject, ACTION.drop]);
    v.reason.set([REASON.new, REASON.default, REASON.new, REASON['unknown-vnic']]);
    v.rule.set([5, NO_RULE, 0xfffffffe, 77]);
    return v;
  }

  it('allocates as allow/new with no rule', () => {
    const v = allocVerdicts(2);
    expect([Array.from(v.action), Array.from(v.reason), Array.from(v.rule)]).toEqual([
      [0, 0],
      [0, 0],
      [NO_RULE, NO_RULE],
    ]);
  });

  it('encodes the documented bytes and decodes them back', () => {
    const buf = encodeBinaryVerdicts(sample());
    const bytes = new Uint8Array(buf);
    expect(buf.byteLength).toBe(8 + 8 * 4);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x4f, 0x57, 0x56, 0x31, 4, 0, 0, 0]);
    expect(Array.from(bytes.subarray(8, 16))).toEqual([0, 0, 0, 0, 5, 0, 0, 0]);
    expect(Array.from(bytes.subarray(16, 24))).toEqual([1, 4, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(bytes.subarray(32, 40))).toEqual([1, 6, 0, 0, 77, 0, 0, 0]);
    const back = decodeBinaryVerdicts(buf);
    expect(back.count).toBe(4);
    expect([back.action, back.reason, back.rule]).toEqual([sample().action, sample().reason, sample().rule]);
  });

  it('rejects malformed verdict buffers naming the record', () => {
    const buf = encodeBinaryVerdicts(sample());
    const at = (i: number, off: number, value: number) => {
      const copy = buf.slice(0);
      new Uint8Array(copy)[8 + 8 * i + off] = value;
      return copy;
    };
    expect(batchErrorOf(() => decodeBinaryVerdicts(at(2, 0, 3))).message).toBe(
      'verdicts[2].action: 3 is not a known action',
    );
    expect(batchErrorOf(() => decodeBinaryVerdicts(at(1, 1, 8))).message).toBe(
      'verdicts[1].reason: 8 is not a known reason',
    );
    expect(batchErrorOf(() => decodeBinaryVerdicts(at(3, 3, 1))).message).toBe(
      'verdicts[3].reserved: 256 is not 0',
    );
    expect(batchErrorOf(() => decodeBinaryVerdicts(buf.slice(0, 12))).field).toBe('length');
    expect(batchErrorOf(() => decodeBinaryVerdicts(new ArrayBuffer(8))).message).toBe(
      'header.magic: is not "OWV1"',
    );
  });

  it('renders JSON verdicts with rule and policy names', () => {
    const names = new Map([[5, { rule: 'r-https', policy: 'web' }]]);
    expect(verdictsToJson(sample(), (h) => names.get(h))).toEqual([
      { action: 'allow', rule: 'r-https', policy: 'web', reason: 'new' },
      { action: 'drop', rule: null, policy: null, reason: 'default' },
      { action: 'reject', rule: null, policy: null, reason: 'new' },
      { action: 'drop', rule: null, policy: null, reason: 'unknown-vnic' },
    ]);
  });
});

describe('tcp flags', () => {
  it('formats bits in FSRPAUEC order', () => {
    expect(formatTcpFlags(2 | 16)).toBe('SA');
    expect(formatTcpFlags(255)).toBe('FSRPAUEC');
  });
});
