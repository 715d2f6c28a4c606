import { describe, expect, it } from 'vitest';
import { send, webDbScenario, type Packet } from './scenario.js';

const syn = { src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 40000, dport: 5432, flags: 'S', len: 60 };
const synAck = { ...syn, src: '10.0.2.7', dst: '10.0.1.5', sport: 5432, dport: 40000, flags: 'SA' };
const ack = { ...syn, flags: 'A', len: 52 };

/** An ICMP error from db-1 to web-1 quoting `inner` (Packet has no `inner`: the JSON format does). */
function unreachable(inner: Record<string, unknown>): Packet & { inner: Record<string, unknown> } {
  return {
    vnic: 'web-1-eth0',
    dir: 'in',
    src: '10.0.2.7',
    dst: '10.0.1.5',
    proto: 1,
    type: 3,
    code: 3,
    len: 88,
    inner,
  };
}

describe('ICMP errors of a tracked flow through the API', () => {
  it('lets a port unreachable quoting an established flow in as related, others by the rules', async () => {
    const { hvA, agentA } = await webDbScenario('icmprel1');
    const handshake = await send(hvA, agentA, [
      { vnic: 'web-1-eth0', dir: 'out', ...syn },
      { vnic: 'web-1-eth0', dir: 'in', ...synAck },
      { vnic: 'web-1-eth0', dir: 'out', ...ack },
    ]);
    expect(handshake.map((v) => v.reason)).toEqual(['new', 'established', 'established']);
    // the quoted header is the original SYN, as web-1 sent it
    const quoted = { src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 40000, dport: 5432 };
    const [related, unknown] = await send(hvA, agentA, [
      unreachable(quoted),
      unreachable({ ...quoted, sport: 40001 }),
    ]);
    expect(related).toEqual({ action: 'allow', reason: 'related', rule: 'web-to-db', policy: 'app' });
    expect(unknown).toEqual({ action: 'drop', reason: 'default', rule: null, policy: null });
  });
});
