import { describe, expect, it } from 'vitest';
import { batchErrorOf } from './batch-error-of.js';
import {
  decodeBinaryBatch,
  encodeBinaryBatch,
  encodeColumnarBatch,
  packetsToBatch,
  type PacketBatch,
  type PacketInput,
} from '../../src/dataplane/codec/index.js';

const PACKETS: PacketInput[] = [
  {
    vnic: 7,
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
    vnic: 9,
    dir: 'in',
    src: '2001:db8::1',
    dst: 'fe80::1:2:3:4',
    proto: 17,
    sport: 53,
    dport: 5353,
    len: 1500,
  },
  { vnic: 42, dir: 'out', src: '192.168.0.1', dst: '8.8.8.8', proto: 1, sport: 8, dport: 0, id: 4660 },
  { vnic: 7, dir: 'in', src: '::ffff:1.2.3.4', dst: '::1', proto: 58, sport: 129, dport: 0, id: 65535 },
  { vnic: 0xfffffffe, dir: 'out', src: '1.1.1.1', dst: '2.2.2.2', proto: 6, flags: 'FSRPAUEC', len: 65535 },
];

/** The batch's first `count` packets in every column, as a batch of exactly that many would hold them. */
function head(b: PacketBatch): Record<string, number | number[]> {
  return Object.fromEntries(
    Object.entries(b).map(([k, v]) => {
      if (typeof v === 'number') return [k, v];
      const per = k.endsWith('rc') || k.endsWith('st') ? 4 : 1; // src, dst, innerSrc, innerDst: 4 words
      return [k, Array.from(v.subarray(0, b.count * per))];
    }),
  );
}

describe('columnar binary batch (OWC1)', () => {
  it('follows the documented layout: u32 columns, then u16, then u8, addresses as numbers', () => {
    const buf = new ArrayBuffer(8 + 48);
    const v = new DataView(buf);
    new Uint8Array(buf).set([0x4f, 0x57, 0x43, 0x31]);
    v.setUint32(4, 1, true);
    v.setUint32(8, 7, true); // vnic
    v.setUint32(12, 0x0a000105, true); // src 10.0.1.5, words 1-3 zero
    v.setUint32(28, 0x0a000207, true); // dst 10.0.2.7
    v.setUint16(44, 40512, true); // sport
    v.setUint16(46, 443, true); // dport
    v.setUint16(50, 60, true); // len (icmpId at 48 is 0)
    new Uint8Array(buf, 52).set([0, 4, 6, 2 | 16]); // dir, family, proto, flags
    const expected = packetsToBatch([PACKETS[0]!]);
    expect(new Uint8Array(encodeColumnarBatch(expected))).toEqual(new Uint8Array(buf.slice(0)));
    expect(head(decodeBinaryBatch(buf, 1))).toEqual(head(expected));
  });

  it('decodes IPv4, IPv6 and ICMP packets as OWP1 does, as views over the body itself', () => {
    const packets = Array.from({ length: 1000 }, (_, i) => PACKETS[i % PACKETS.length]!);
    const batch = packetsToBatch(packets);
    const buf = encodeColumnarBatch(batch);
    expect(buf.byteLength).toBe(8 + 48 * 1000);
    const b = decodeBinaryBatch(buf, 1000);
    expect(b.vnic.buffer).toBe(buf);
    expect(b.src.buffer).toBe(buf);
    expect(head(b)).toEqual(head(decodeBinaryBatch(encodeBinaryBatch(batch), 1000)));
    expect(head(b)).toEqual(head(batch));
  });

  it('carries no quoted ICMP headers, and ignores flags on non-TCP packets, clearing them in the body', () => {
    const quoting = packetsToBatch([
      {
        vnic: 1,
        dir: 'in',
        src: '10.0.0.1',
        dst: '10.0.0.2',
        proto: 1,
        sport: 3,
        dport: 3,
        inner: { proto: 6, src: '10.0.0.2', dst: '10.0.0.1', sport: 1000, dport: 80 },
      },
    ]);
    expect(quoting.hasInner[0]).toBe(1);
    expect(head(decodeBinaryBatch(encodeColumnarBatch(quoting), 1)).hasInner).toEqual([0]);

    const udp = packetsToBatch([{ ...PACKETS[0]!, proto: 17 }]);
    const buf = encodeColumnarBatch(udp);
    new Uint8Array(buf)[8 + 44 + 3] = 0x12; // flags column of packet 0
    const b = decodeBinaryBatch(buf, 1);
    expect([b.proto[0], b.flags[0], b.sport[0]]).toEqual([17, 0, 40512]);
  });

  const n = 5;
  /** byte offsets of packet i's fields in a batch of n */
  const at = {
    src: (i: number, word: number) => 8 + 4 * n + 16 * i + 4 * word,
    dst: (i: number, word: number) => 8 + 20 * n + 16 * i + 4 * word,
    sport: (i: number) => 8 + 36 * n + 2 * i,
    dport: (i: number) => 8 + 38 * n + 2 * i,
    icmpId: (i: number) => 8 + 40 * n + 2 * i,
    dir: (i: number) => 8 + 44 * n + i,
    family: (i: number) => 8 + 45 * n + i,
  };
  const cases: [string, number, (v: DataView) => void, string][] = [
    ['dir > 1', 0, (v) => v.setUint8(at.dir(3), 2), 'packets[3].dir: 2 is not 0 (out) or 1 (in)'],
    ['unknown family', 0, (v) => v.setUint8(at.family(3), 5), 'packets[3].family: 5 is not 4 or 6'],
    ['IPv4 src words', 0, (v) => v.setUint32(at.src(3, 2), 1, true), 'packets[3].src: words 1-3'],
    ['IPv4 dst words', 0, (v) => v.setUint32(at.dst(3, 3), 1, true), 'packets[3].dst: words 1-3'],
    ['ICMP type > 255', 2, (v) => v.setUint16(at.sport(3), 256, true), 'packets[3].sport: ICMP type 256'],
    ['ICMP code > 255', 2, (v) => v.setUint16(at.dport(3), 300, true), 'packets[3].dport: ICMP code 300'],
    ['echo id on TCP', 0, (v) => v.setUint16(at.icmpId(3), 9, true), 'packets[3].icmpId: 9 must be 0'],
  ];
  it.each(cases)(
    'refuses the batch naming the first bad packet and field: %s',
    (_name, from, corrupt, message) => {
      const batch = packetsToBatch([PACKETS[0]!, PACKETS[1]!, PACKETS[2]!, PACKETS[from]!, PACKETS[0]!]);
      const buf = encodeColumnarBatch(batch);
      const v = new DataView(buf);
      corrupt(v);
      v.setUint8(at.family(4), 9); // a later bad packet must not be the one reported
      const e = batchErrorOf(() => decodeBinaryBatch(buf, 10));
      expect(e.index).toBe(3);
      expect(e.message).toContain(message);
    },
  );

  it('refuses a length that is not 8 + 48 × count', () => {
    const buf = encodeColumnarBatch(packetsToBatch(PACKETS));
    const e = batchErrorOf(() => decodeBinaryBatch(buf.slice(0, buf.byteLength - 2), 10));
    expect(e.message).toBe('length: 246 bytes, expected 8 + 48 × 5 = 248');
  });
});
