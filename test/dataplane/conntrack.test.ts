import { describe, expect, it } from 'vitest';
import { parseIPv4, parseIPv6 } from '../../src/net/ip.js';
import {
  ConntrackError,
  ConntrackTable,
  DEFAULT_TIMEOUTS,
  FLOW_ASSURED,
  FLOW_KEY_BYTES,
  FLOW_RECORD_BYTES,
  FLOW_SEEN_REPLY,
  FLOW_STATEFUL,
  FLOW_TCP_STRICT,
  FlowState,
  NO_FLOW,
  NO_RULE,
  TABLE_FULL,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  UNTRACKABLE,
  flowRecordKey,
  formatTcpFlags,
  isIcmpError,
  isIcmpEchoRequest,
  parseTcpFlags,
  readFlowRecord,
  refFamily,
  refIsReply,
} from '../../src/dataplane/conntrack/index.js';

const T = DEFAULT_TIMEOUTS;
const ip = (s: string) => parseIPv4(s)!;
const ip6 = (s: string) => parseIPv6(s)!;
const A = ip('10.0.1.5');
const B = ip('10.0.2.7');
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMP6 = 58;
const NOW = 1_700_000_000;
const SA = TCP_SYN | TCP_ACK;
const FA = TCP_FIN | TCP_ACK;

/** A client A:40000 -> server B:443 TCP flow on vnic 7 through its handshake. */
function handshake(table = new ConntrackTable()) {
  const ref = table.insert4(7, TCP, A, B, 40000, 443, TCP_SYN, NOW, T, 3, FLOW_STATEFUL);
  const reply = table.lookup4(7, TCP, B, A, 443, 40000);
  expect(table.update(reply, SA, NOW, T)).toBe('established');
  expect(table.update(ref, TCP_ACK, NOW, T)).toBe('established');
  return { table, ref, reply };
}

describe('tcp flags', () => {
  it('parses and formats the FSRPAUEC letters', () => {
    expect(parseTcpFlags('SA')).toBe(TCP_SYN | TCP_ACK);
    expect(parseTcpFlags('')).toBe(0);
    expect(parseTcpFlags('FSRPAUEC')).toBe(255);
    expect(formatTcpFlags(parseTcpFlags('PA'))).toBe('PA');
  });

  it('throws a coded error on unknown letters', () => {
    expect(() => parseTcpFlags('SX')).toThrow(ConntrackError);
    try {
      parseTcpFlags('s');
    } catch (e) {
      expect((e as ConntrackError).code).toBe('BAD_TCP_FLAGS');
    }
  });
});

describe('tcp state machine', () => {
  it('SYN / SYN-ACK / ACK reaches ESTABLISHED and is found from both sides', () => {
    const table = new ConntrackTable();
    const ref = table.insert4(7, TCP, A, B, 40000, 443, TCP_SYN, NOW, T, 3, FLOW_STATEFUL);
    expect(ref).toBeGreaterThanOrEqual(0);
    expect(refIsReply(ref)).toBe(false);
    expect(refFamily(ref)).toBe(4);
    expect(table.stateOf(ref)).toBe(FlowState.SYN_SENT);
    expect(table.expiryOf(ref)).toBe(NOW + T.tcpSynSent);
    expect(table.ruleOf(ref)).toBe(3);
    expect(table.flagsOf(ref) & FLOW_STATEFUL).toBeTruthy();

    const reply = table.lookup4(7, TCP, B, A, 443, 40000);
    expect(refIsReply(reply)).toBe(true);
    expect(reply >> 1).toBe(ref >> 1);
    expect(table.update(reply, SA, NOW + 1, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.SYN_RECV);
    expect(table.expiryOf(ref)).toBe(NOW + 1 + T.tcpSynRecv);

    expect(table.update(table.lookup4(7, TCP, A, B, 40000, 443), TCP_ACK, NOW + 2, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.ESTABLISHED);
    expect(table.flagsOf(ref) & (FLOW_SEEN_REPLY | FLOW_ASSURED)).toBe(FLOW_SEEN_REPLY | FLOW_ASSURED);
    expect(table.expiryOf(ref)).toBe(NOW + 2 + T.tcpEstablished);
    expect(table.update(reply, TCP_PSH | TCP_ACK, NOW + 3, T)).toBe('established');
    expect(table.size).toBe(1);
  });

  it('closes FIN/ACK, ACK, FIN/ACK, ACK through TIME_WAIT', () => {
    const { table, ref, reply } = handshake();
    expect(table.update(ref, FA, NOW + 10, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.FIN_WAIT);
    expect(table.expiryOf(ref)).toBe(NOW + 10 + T.tcpFinWait);
    // a retransmitted FIN of the closing side does not count as the peer's
    expect(table.update(ref, FA, NOW + 11, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.FIN_WAIT);
    expect(table.update(reply, TCP_ACK, NOW + 12, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.CLOSE_WAIT);
    expect(table.expiryOf(ref)).toBe(NOW + 12 + T.tcpCloseWait);
    expect(table.update(reply, FA, NOW + 13, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.LAST_ACK);
    expect(table.expiryOf(ref)).toBe(NOW + 13 + T.tcpLastAck);
    expect(table.update(ref, TCP_ACK, NOW + 14, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.TIME_WAIT);
    expect(table.expiryOf(ref)).toBe(NOW + 14 + T.tcpTimeWait);
  });

  it('goes FIN_WAIT -> LAST_ACK on a simultaneous close', () => {
    const { table, ref, reply } = handshake();
    table.update(ref, FA, NOW, T);
    table.update(reply, FA, NOW, T);
    expect(table.stateOf(ref)).toBe(FlowState.LAST_ACK);
    table.update(ref, TCP_ACK, NOW, T);
    expect(table.stateOf(ref)).toBe(FlowState.TIME_WAIT);
  });

  it('RST from either side closes with the close timeout', () => {
    for (const side of ['ref', 'reply'] as const) {
      const flow = handshake();
      expect(flow.table.update(flow[side], TCP_RST, NOW + 5, T)).toBe('established');
      expect(flow.table.stateOf(flow.ref)).toBe(FlowState.CLOSE);
      expect(flow.table.expiryOf(flow.ref)).toBe(NOW + 5 + T.tcpClose);
    }
    const table = new ConntrackTable();
    const ref = table.insert4(7, TCP, A, B, 1, 2, TCP_SYN, NOW, T);
    expect(table.update(table.lookup4(7, TCP, B, A, 2, 1), TCP_RST | TCP_ACK, NOW, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.CLOSE);
  });

  it('reports out-of-state packets as invalid and leaves the flow as it was', () => {
    const { table, ref, reply } = handshake();
    const before = table.expiryOf(ref);
    expect(table.update(ref, TCP_SYN, NOW + 50, T)).toBe('invalid'); // SYN on ESTABLISHED
    expect(table.update(ref, SA, NOW + 50, T)).toBe('invalid'); // client SYN-ACK
    expect(table.update(reply, TCP_SYN, NOW + 50, T)).toBe('invalid');
    expect(table.update(ref, 0, NOW + 50, T)).toBe('invalid'); // no flags
    expect(table.update(ref, TCP_PSH, NOW + 50, T)).toBe('invalid');
    expect(table.stateOf(ref)).toBe(FlowState.ESTABLISHED);
    expect(table.expiryOf(ref)).toBe(before);

    const t2 = new ConntrackTable();
    const r2 = t2.insert4(7, TCP, A, B, 1, 2, TCP_SYN, NOW, T);
    expect(t2.update(r2, TCP_ACK, NOW, T)).toBe('invalid'); // ACK before SYN-ACK
    expect(t2.update(r2, FA, NOW, T)).toBe('invalid');
    expect(t2.update(r2, SA, NOW, T)).toBe('invalid');
    expect(t2.stateOf(r2)).toBe(FlowState.SYN_SENT);
  });

  it('a new SYN re-opens TIME_WAIT and CLOSE flows', () => {
    const { table, ref, reply } = handshake();
    table.update(ref, TCP_RST, NOW, T);
    expect(table.update(ref, TCP_SYN, NOW + 1, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.SYN_SENT);
    expect(table.flagsOf(ref) & (FLOW_SEEN_REPLY | FLOW_ASSURED)).toBe(0);
    expect(table.flagsOf(ref) & FLOW_STATEFUL).toBeTruthy();
    expect(table.update(reply, SA, NOW + 1, T)).toBe('established');
    expect(table.update(ref, TCP_ACK, NOW + 1, T)).toBe('established');
    expect(table.update(ref, FA, NOW, T)).toBe('established');
    table.update(reply, FA, NOW, T);
    table.update(ref, TCP_ACK, NOW, T);
    expect(table.stateOf(ref)).toBe(FlowState.TIME_WAIT);
    expect(table.update(ref, TCP_SYN, NOW + 2, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.SYN_SENT);
    expect(table.size).toBe(1);
  });

  it('loose pickup opens ESTABLISHED from an ACK unless tcpStrict', () => {
    const table = new ConntrackTable();
    const ref = table.insert4(7, TCP, A, B, 1, 2, TCP_ACK | TCP_PSH, NOW, T);
    expect(table.stateOf(ref)).toBe(FlowState.ESTABLISHED);
    expect(table.flagsOf(ref) & FLOW_ASSURED).toBe(0);
    expect(table.update(table.lookup4(7, TCP, B, A, 2, 1), TCP_ACK, NOW, T)).toBe('established');
    expect(table.flagsOf(ref) & FLOW_ASSURED).toBe(FLOW_ASSURED);

    expect(table.insert4(7, TCP, A, B, 3, 4, TCP_ACK, NOW, T, 0, FLOW_TCP_STRICT)).toBe(UNTRACKABLE);
    expect(table.insert4(7, TCP, A, B, 3, 4, TCP_RST, NOW, T)).toBe(UNTRACKABLE);
    expect(table.insert4(7, TCP, A, B, 3, 4, FA, NOW, T)).toBe(UNTRACKABLE);
    expect(table.insert4(7, TCP, A, B, 3, 4, SA, NOW, T)).toBe(UNTRACKABLE);
    expect(table.insert4(7, TCP, A, B, 3, 4, TCP_SYN, NOW, T, 0, FLOW_TCP_STRICT)).toBeGreaterThanOrEqual(0);
    expect(table.size).toBe(2);
  });

  it('insert of a live key returns the existing flow unchanged', () => {
    const { table, ref } = handshake();
    expect(table.insert4(7, TCP, A, B, 40000, 443, TCP_SYN, NOW, T)).toBe(ref);
    expect(table.insert4(7, TCP, B, A, 443, 40000, TCP_SYN, NOW, T)).toBe(ref | 1);
    expect(table.stateOf(ref)).toBe(FlowState.ESTABLISHED);
  });

  it('honours per-call timeout overrides', () => {
    const short = { ...T, tcpEstablished: 600, udpUnreplied: 5 };
    const { table, ref } = handshake();
    table.update(ref, TCP_ACK, NOW + 100, short);
    expect(table.expiryOf(ref)).toBe(NOW + 700);
    const u = table.insert4(8, UDP, A, B, 53, 53, 0, NOW, short);
    expect(table.expiryOf(u)).toBe(NOW + 5);
  });
});

describe('udp and icmp', () => {
  it('UDP uses the unreplied timeout until a reply, then the assured one', () => {
    const table = new ConntrackTable();
    const ref = table.insert4(7, UDP, A, B, 5353, 53, 0, NOW, T);
    expect(table.stateOf(ref)).toBe(FlowState.UNREPLIED);
    expect(table.expiryOf(ref)).toBe(NOW + 30);
    table.update(ref, 0, NOW + 10, T);
    expect(table.expiryOf(ref)).toBe(NOW + 40);
    const reply = table.lookup4(7, UDP, B, A, 53, 5353);
    expect(table.update(reply, 0, NOW + 20, T)).toBe('established');
    expect(table.stateOf(ref)).toBe(FlowState.REPLIED);
    expect(table.flagsOf(ref) & FLOW_ASSURED).toBe(FLOW_ASSURED);
    expect(table.expiryOf(ref)).toBe(NOW + 140);
    table.update(ref, 0, NOW + 30, T);
    expect(table.expiryOf(ref)).toBe(NOW + 150);
    expect(table.lookup4(7, UDP, B, A, 5353, 53)).toBe(NO_FLOW); // ports must swap with addresses
  });

  it('tracks ICMP echo by identifier, v4 and v6', () => {
    expect(isIcmpEchoRequest(4, 8)).toBe(true);
    expect(isIcmpEchoRequest(6, 128)).toBe(true);
    const table = new ConntrackTable();
    const a = table.insertEcho4(7, ICMP, A, B, 100, NOW, T);
    const b = table.insertEcho4(7, ICMP, A, B, 101, NOW, T);
    expect(a).not.toBe(b);
    expect(table.size).toBe(2);
    expect(table.expiryOf(a)).toBe(NOW + T.icmp);
    const reply = table.lookupEcho4(7, ICMP, B, A, 100);
    expect(reply).toBe(a | 1);
    expect(table.lookupEcho4(7, ICMP, B, A, 102)).toBe(NO_FLOW);
    expect(table.update(reply, 0, NOW + 3, T)).toBe('established');
    expect(table.stateOf(a)).toBe(FlowState.REPLIED);
    expect(table.expiryOf(a)).toBe(NOW + 3 + T.icmp);
    expect(table.stateOf(b)).toBe(FlowState.UNREPLIED);

    const x = ip6('2001:db8::1');
    const y = ip6('2001:db8::2');
    const e6 = table.insertEcho6(7, ICMP6, x, 0, y, 0, 9, NOW, T);
    expect(refFamily(e6)).toBe(6);
    expect(table.lookupEcho6(7, ICMP6, y, 0, x, 0, 9)).toBe(e6 | 1);
    expect(table.lookupEcho6(7, ICMP6, y, 0, x, 0, 10)).toBe(NO_FLOW);
  });

  it('finds the flow of an ICMP error from its embedded header (related)', () => {
    expect([3, 4, 5, 11, 12].every((t) => isIcmpError(4, t))).toBe(true);
    expect([0, 8, 13].some((t) => isIcmpError(4, t))).toBe(false);
    expect([1, 2, 3, 4].every((t) => isIcmpError(6, t))).toBe(true);
    expect(isIcmpError(6, 128)).toBe(false);
    const { table, ref } = handshake();
    // a router tells A its packet A->B could not be delivered: inner = the original packet
    expect(table.lookupEmbedded4(7, TCP, A, B, 40000, 443)).toBe(ref);
    // B's host reports A's reply-direction packet (B->A) failing: inner = B->A
    expect(table.lookupEmbedded4(7, TCP, B, A, 443, 40000)).toBe(ref | 1);
    expect(table.lookupEmbedded4(7, TCP, A, B, 40001, 443)).toBe(NO_FLOW);
    const echo = table.insertEcho4(7, ICMP, A, B, 77, NOW, T);
    expect(table.lookupEmbedded4(7, ICMP, A, B, 77, 0)).toBe(echo);
    const x = ip6('fd00::5');
    const y = ip6('fd00::9');
    const u6 = table.insert6(7, UDP, x, 0, y, 0, 1000, 53, 0, NOW, T);
    expect(table.lookupEmbedded6(7, UDP, x, 0, y, 0, 1000, 53)).toBe(u6);
  });
});

describe('expiry', () => {
  it('expires at exactly expiry + 1 and reports the next expiry', () => {
    const table = new ConntrackTable();
    expect(table.nextExpiry()).toBe(Infinity);
    const u = table.insert4(7, UDP, A, B, 1, 2, 0, NOW, T); // NOW + 30
    table.insertEcho4(7, ICMP, A, B, 1, NOW + 5, T); // NOW + 35
    const { ref } = handshake(table); // NOW + 432000
    expect(table.nextExpiry()).toBe(NOW + 30);
    expect(table.expire(NOW + 30)).toBe(0);
    expect(table.expire(NOW + 31)).toBe(1);
    expect(table.lookup4(7, UDP, A, B, 1, 2)).toBe(NO_FLOW);
    expect(() => table.stateOf(u)).toThrow(ConntrackError);
    expect(table.nextExpiry()).toBe(NOW + 35);
    expect(table.expire(NOW + 36)).toBe(1);
    expect(table.nextExpiry()).toBe(NOW + T.tcpEstablished);
    table.update(ref, TCP_RST, NOW + 100, T);
    expect(table.nextExpiry()).toBe(NOW + 110);
    expect(table.expire(NOW + 110)).toBe(0);
    expect(table.expire(NOW + 111)).toBe(1);
    expect(table.size).toBe(0);
    expect(table.nextExpiry()).toBe(Infinity);
  });

  it('nextExpiry never runs later than the true earliest expiry', () => {
    const table = new ConntrackTable();
    const refs = [0, 1, 2, 3, 4].map((i) => table.insert4(7, UDP, A, B, 100 + i, 53, 0, NOW + i * 10, T));
    table.update(refs[0]!, 0, NOW + 25, T); // the earliest moves later: bound may stay early
    expect(table.nextExpiry()).toBeLessThanOrEqual(NOW + 40);
    table.expire(NOW);
    expect(table.nextExpiry()).toBe(NOW + 40);
  });

  it('an update after expiry removes the flow and says expired', () => {
    const table = new ConntrackTable();
    const ref = table.insert4(7, UDP, A, B, 1, 2, 0, NOW, T);
    expect(table.update(ref, 0, NOW + 30, T)).toBe('established');
    expect(table.update(ref, 0, NOW + 61, T)).toBe('expired');
    expect(table.size).toBe(0);
    expect(table.insert4(7, UDP, A, B, 1, 2, 0, NOW + 61, T)).toBeGreaterThanOrEqual(0);
  });
});

describe('vnic isolation', () => {
  it('keeps the same 5-tuple on two vnics as two flows', () => {
    const table = new ConntrackTable();
    const a = table.insert4(1, TCP, A, B, 1000, 80, TCP_SYN, NOW, T);
    const b = table.insert4(2, TCP, A, B, 1000, 80, TCP_SYN, NOW, T);
    const c = table.insert4(0xfffffffe, TCP, A, B, 1000, 80, TCP_SYN, NOW, T);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(table.lookup4(3, TCP, A, B, 1000, 80)).toBe(NO_FLOW);
    table.update(table.lookup4(1, TCP, B, A, 80, 1000), SA, NOW, T);
    expect(table.stateOf(a)).toBe(FlowState.SYN_RECV);
    expect(table.stateOf(b)).toBe(FlowState.SYN_SENT);
    expect(table.vnicOf(c)).toBe(0xfffffffe);
    expect(table.countByVnic(1)).toBe(1);
    expect(table.countByVnic(0xfffffffe)).toBe(1);
    expect(table.deleteByVnic(1)).toBe(1);
    expect(table.lookup4(1, TCP, A, B, 1000, 80)).toBe(NO_FLOW);
    expect(table.lookup4(2, TCP, A, B, 1000, 80)).toBe(b);
    expect(table.countByVnic(1)).toBe(0);
    const seen: number[] = [];
    table.forEach((_ref, vnic) => seen.push(vnic));
    expect(seen.sort()).toEqual([2, 0xfffffffe]);
  });
});

describe('ipv6', () => {
  it('tracks a TCP handshake over IPv6 and keeps families apart', () => {
    const table = new ConntrackTable();
    const x = ip6('2001:db8:1::10');
    const y = ip6('2001:db8:2::20');
    const ref = table.insert6(7, TCP, x, 0, y, 0, 50000, 22, TCP_SYN, NOW, T, 9);
    expect(refFamily(ref)).toBe(6);
    const reply = table.lookup6(7, TCP, y, 0, x, 0, 22, 50000);
    expect(refIsReply(reply)).toBe(true);
    table.update(reply, SA, NOW, T);
    // addresses at an offset in a shared word buffer
    const words = new Uint32Array([0, ...x, ...y]);
    table.update(table.lookup6(7, TCP, words, 1, words, 5, 50000, 22), TCP_ACK, NOW, T);
    expect(table.stateOf(ref)).toBe(FlowState.ESTABLISHED);
    expect(table.lookup6(7, TCP, x, 0, ip6('2001:db8:2::21'), 0, 50000, 22)).toBe(NO_FLOW);
    expect(table.lookup4(7, TCP, 0x20010db8, 0x20010db8, 50000, 22)).toBe(NO_FLOW);
    const info = table.describe(ref);
    expect(info).toMatchObject({
      family: 6,
      vnic: 7,
      proto: TCP,
      src: x,
      dst: y,
      sport: 50000,
      dport: 22,
      rule: 9,
    });
  });
});

describe('table growth and deletion', () => {
  it('matches a Map reference model over thousands of random operations', () => {
    const table = new ConntrackTable({ initialCapacity: 16, initialCapacity6: 16 });
    const model = new Map<string, number>();
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const keyOf = (v6: boolean, vnic: number, src: number, dst: number, sp: number, dp: number) =>
      `${v6 ? 6 : 4}|${vnic}|${src}|${dst}|${sp}|${dp}`;
    const w6 = (n: number) => [0xfd000000, 0, 0, n];
    const find = (v6: boolean, vnic: number, src: number, dst: number, sp: number, dp: number) =>
      v6
        ? table.lookup6(vnic, UDP, w6(src), 0, w6(dst), 0, sp, dp)
        : table.lookup4(vnic, UDP, src, dst, sp, dp);
    for (let op = 0; op < 20000; op++) {
      const v6 = rand(4) === 0;
      const vnic = rand(3);
      const src = rand(40);
      const dst = rand(40) | 0x80000000;
      const sp = rand(50);
      const dp = rand(3);
      const key = keyOf(v6, vnic, src, dst, sp, dp);
      const action = rand(10);
      if (action < 5) {
        const ref = v6
          ? table.insert6(vnic, UDP, w6(src), 0, w6(dst), 0, sp, dp, 0, NOW, T, op)
          : table.insert4(vnic, UDP, src, dst, sp, dp, 0, NOW, T, op);
        if (!model.has(key)) model.set(key, op);
        expect(table.ruleOf(ref)).toBe(model.get(key));
      } else if (action < 8) {
        const ref = find(v6, vnic, src, dst, sp, dp);
        expect(ref === NO_FLOW ? undefined : table.ruleOf(ref)).toBe(model.get(key));
        // the reverse orientation finds the same flow
        const back = find(v6, vnic, dst, src, dp, sp);
        expect(back === NO_FLOW ? NO_FLOW : back ^ 1).toBe(ref);
      } else {
        const ref = find(v6, vnic, src, dst, sp, dp);
        expect(table.delete(ref)).toBe(model.delete(key));
      }
      expect(table.size).toBe(model.size);
    }
    expect(model.size).toBeGreaterThan(1000);
    for (const [key, rule] of model) {
      const [fam, vnic, src, dst, sp, dp] = key.split('|').map(Number) as number[];
      const ref = find(fam === 6, vnic!, src!, dst!, sp!, dp!);
      expect(table.ruleOf(ref)).toBe(rule);
    }
    let live = 0;
    table.forEach(() => live++);
    expect(live).toBe(model.size);
  });

  it('keeps refs valid across growth and enforces maxFlows', () => {
    const table = new ConntrackTable({ initialCapacity: 4, maxFlows: 5000 });
    const first = table.insert4(1, TCP, A, B, 1, 2, TCP_SYN, NOW, T, 42);
    for (let i = 0; i < 4999; i++) table.insert4(1, UDP, i, B, 1, 2, 0, NOW, T);
    expect(table.size).toBe(5000);
    expect(table.ruleOf(first)).toBe(42);
    expect(table.lookup4(1, TCP, B, A, 2, 1)).toBe(first | 1);
    expect(table.insert4(1, UDP, A, A, 9, 9, 0, NOW, T)).toBe(TABLE_FULL);
    expect(table.insert4(1, UDP, 3, B, 1, 2, 0, NOW, T)).toBeGreaterThanOrEqual(0); // existing key still fine
  });

  it('costs at most 64 typed-array bytes per IPv4 flow at 1,000,000 flows', () => {
    const flows = 1_000_000;
    const table = new ConntrackTable({ maxFlows: flows, trackDirty: false });
    for (let i = 0; i < flows; i++)
      table.insert4(i & 255, UDP, 0x0a000000 + i, B, 1024 + (i & 0x7fff), 53, 0, NOW, T);
    expect(table.size).toBe(flows);
    expect(table.byteLength4 / flows).toBeLessThanOrEqual(64);
    expect(table.lookup4(7, UDP, B, 0x0a000000 + 7, 53, 1031)).toBe(
      table.lookup4(7, UDP, 0x0a000000 + 7, B, 1031, 53) | 1,
    );
  });

  it('rejects bad keys, refs and options with coded errors', () => {
    const table = new ConntrackTable();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ConntrackError).code;
      }
      return 'none';
    };
    expect(code(() => table.insert4(1, UDP, A, B, 70000, 1, 0, NOW, T))).toBe('BAD_FLOW_KEY');
    expect(code(() => table.insert4(1, 256, A, B, 1, 1, 0, NOW, T))).toBe('BAD_FLOW_KEY');
    expect(code(() => table.stateOf(4))).toBe('BAD_FLOW_REF');
    expect(code(() => table.update(8, TCP_ACK, NOW, T))).toBe('BAD_FLOW_REF');
    expect(code(() => new ConntrackTable({ maxFlows: 0 }))).toBe('BAD_OPTION');
    expect(table.delete(123)).toBe(false);
  });
});

describe('persistence and migration', () => {
  function sample() {
    const table = new ConntrackTable();
    const { ref } = handshake(table);
    const u = table.insert4(7, UDP, A, B, 5000, 53, 0, NOW, T, NO_RULE);
    const v6 = table.insert6(8, TCP, ip6('fd00::1'), 0, ip6('fd00::2'), 0, 1234, 80, TCP_SYN, NOW, T, 5);
    return { table, ref, u, v6 };
  }

  it('encodes the documented 56-byte record layout', () => {
    const { table, ref, v6 } = sample();
    const rec = table.encodeFlow(ref);
    expect(rec.length).toBe(FLOW_RECORD_BYTES);
    const view = new DataView(rec.buffer);
    expect(view.getUint32(0, true)).toBe(7);
    expect(rec[4]).toBe(4);
    expect(rec[5]).toBe(TCP);
    expect(view.getUint16(6, true)).toBe(40000);
    expect(view.getUint16(8, true)).toBe(443);
    expect(view.getUint32(12, true)).toBe(A);
    expect(view.getUint32(16, true)).toBe(0);
    expect(view.getUint32(28, true)).toBe(B);
    expect(rec[44]).toBe(FlowState.ESTABLISHED);
    expect(rec[45]).toBe(table.flagsOf(ref));
    expect(rec[46]).toBe(1);
    expect(view.getUint32(48, true)).toBe(table.expiryOf(ref));
    expect(view.getUint32(52, true)).toBe(3);
    const r6 = readFlowRecord(new DataView(table.encodeFlow(v6).buffer), 0);
    expect(r6).toMatchObject({ family: 6, vnic: 8, src: ip6('fd00::1'), dst: ip6('fd00::2'), rule: 5 });
  });

  it('exports a vnic and imports it idempotently elsewhere', () => {
    const { table, ref } = sample();
    const exported = table.exportVnic(7);
    expect(exported.byteLength).toBe(2 * FLOW_RECORD_BYTES);
    const dest = new ConntrackTable();
    expect(dest.importRecords(exported)).toBe(2);
    expect(dest.importRecords(new Uint8Array(exported))).toBe(2);
    expect(dest.size).toBe(2);
    const moved = dest.lookup4(7, TCP, B, A, 443, 40000);
    expect(refIsReply(moved)).toBe(true);
    expect(dest.describe(moved ^ 1)).toEqual(table.describe(ref));
    expect(dest.update(moved, TCP_ACK, NOW + 1, T)).toBe('established');
    expect(dest.countByVnic(7)).toBe(2);
    expect(dest.importRecords(exported, NOW + 1_000_000)).toBe(0); // all expired by then
    // a flow known in the other orientation is replaced by the record's
    const other = new ConntrackTable();
    other.insert4(7, TCP, B, A, 443, 40000, TCP_SYN, NOW, T);
    other.importRecords(exported);
    expect(other.size).toBe(2);
    expect(refIsReply(other.lookup4(7, TCP, A, B, 40000, 443))).toBe(false);
    // decodeAndInsert is the one-record form
    const single = new ConntrackTable();
    const r = single.decodeAndInsert(table.encodeFlow(ref));
    expect(single.decodeAndInsert(table.encodeFlow(ref))).toBe(r);
    expect(single.size).toBe(1);
  });

  it('validates whole buffers before applying any record', () => {
    const { table } = sample();
    const snap = new Uint8Array(table.snapshotAll());
    expect(snap.length).toBe(3 * FLOW_RECORD_BYTES);
    const bad = snap.slice();
    bad[2 * FLOW_RECORD_BYTES + 4] = 5; // family of the last record
    const dest = new ConntrackTable();
    expect(() => dest.importRecords(bad)).toThrow(/flow record 2/);
    expect(dest.size).toBe(0);
    expect(() => dest.importRecords(snap.slice(1))).toThrow(ConntrackError);
    const badState = snap.slice();
    badState[44] = FlowState.REPLIED; // TCP record with a UDP state
    expect(() => dest.importRecords(badState)).toThrow(/state/);
    const small = new ConntrackTable({ maxFlows: 2 });
    expect(() => small.importRecords(snap)).toThrow(expect.objectContaining({ code: 'TABLE_FULL' }));
    expect(small.size).toBe(0);
  });

  it('takeDirty reports inserts, state changes and deletes but not expiry refreshes', () => {
    const table = new ConntrackTable();
    const ref = table.insert4(7, TCP, A, B, 1, 2, TCP_SYN, NOW, T);
    const u = table.insert4(7, UDP, A, B, 3, 4, 0, NOW, T);
    let d = table.takeDirty();
    expect(d.upserts.length).toBe(2 * FLOW_RECORD_BYTES);
    expect(d.deletes.length).toBe(0);
    expect(table.takeDirty().upserts.length).toBe(0);

    table.update(u, 0, NOW + 5, T); // refresh only
    table.update(u, 0, NOW + 6, T);
    expect(table.takeDirty().upserts.length).toBe(0);

    table.update(table.lookup4(7, TCP, B, A, 2, 1), SA, NOW, T); // state change
    table.update(ref, TCP_ACK, NOW, T); // another change of the same flow: still one record
    table.update(ref, TCP_ACK, NOW + 1, T); // refresh only
    d = table.takeDirty();
    expect(d.upserts.length).toBe(FLOW_RECORD_BYTES);
    const rec = readFlowRecord(new DataView(d.upserts.buffer), 0);
    expect(rec.state).toBe(FlowState.ESTABLISHED);
    expect(rec.expiry).toBe(NOW + 1 + T.tcpEstablished);

    table.delete(u);
    d = table.takeDirty();
    expect(d.upserts.length).toBe(0);
    expect(d.deletes.length).toBe(FLOW_RECORD_BYTES);
    expect(readFlowRecord(new DataView(d.deletes.buffer), 0)).toMatchObject({ sport: 3, dport: 4 });
    expect(flowRecordKey(d.deletes, 0).length).toBe(FLOW_KEY_BYTES);

    // delete then re-insert of the same key within one interval: only the upsert remains
    table.delete(ref);
    const again = table.insert4(7, TCP, A, B, 1, 2, TCP_SYN, NOW + 2, T);
    table.expire(NOW + 100_000_000); // everything goes...
    table.insert4(7, UDP, A, B, 3, 4, 0, NOW, T); // ...and u's key comes back
    d = table.takeDirty();
    expect(d.upserts.length).toBe(FLOW_RECORD_BYTES);
    expect(d.deletes.length).toBe(FLOW_RECORD_BYTES);
    expect(readFlowRecord(new DataView(d.deletes.buffer), 0)).toMatchObject({ sport: 1, dport: 2 });
    expect(again).toBeGreaterThanOrEqual(0);

    const quiet = new ConntrackTable({ trackDirty: false });
    quiet.insert4(7, UDP, A, B, 3, 4, 0, NOW, T);
    expect(quiet.takeDirty().upserts.length).toBe(0);
  });

  it('marks imported flows dirty so the destination persists them', () => {
    const { table } = sample();
    const dest = new ConntrackTable();
    dest.importRecords(table.snapshotAll());
    expect(dest.takeDirty().upserts.length).toBe(3 * FLOW_RECORD_BYTES);
  });
});
