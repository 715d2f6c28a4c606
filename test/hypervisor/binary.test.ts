import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  decodeBinaryVerdicts,
  encodeBinaryBatch,
  encodeColumnarBatch,
  packetsToBatch,
  REASON,
} from '../../src/dataplane/codec/index.js';
import { call, ok } from '../api/client.js';
import { send, webDbScenario } from './scenario.js';

/** The bytes in chunks of `size`, as a body of no declared length (sent chunked). */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function postBinary(hv: string, token: string, body: ArrayBuffer | ReadableStream<Uint8Array>) {
  const res = await exports.default.fetch(
    new Request(`http://omniwall.test/v1/hypervisors/${hv}/packets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body,
    }),
  );
  return res;
}

/** A TCP packet between web-1 (10.0.1.5) and db-1 (10.0.2.7), out from web-1 or its reply. */
function tcp(vnic: number, sport: number, flags: string, opts: { reply?: boolean; dport?: number } = {}) {
  const dport = opts.dport ?? 5432;
  return opts.reply
    ? {
        vnic,
        dir: 'in' as const,
        src: '10.0.2.7',
        dst: '10.0.1.5',
        proto: 6,
        sport: dport,
        dport: sport,
        flags,
        len: 60,
      }
    : { vnic, dir: 'out' as const, src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport, dport, flags, len: 60 };
}

describe('binary batches', () => {
  it('judge like JSON and answer fixed-size verdict records', async () => {
    const { hvA, agentA } = await webDbScenario('bin1');
    const vnics = await ok(call('GET', `/v1/hypervisors/${hvA}/vnics`));
    const handle = vnics.body.items.find((v: { vnic: string }) => v.vnic === 'web-1-eth0').handle as number;
    const packets = [
      tcp(handle, 1000, 'S'),
      tcp(handle, 1000, 'SA', { reply: true }),
      tcp(handle, 1001, 'S', { dport: 22 }),
      {
        vnic: 999999,
        dir: 'out' as const,
        src: '10.0.1.5',
        dst: '10.0.2.7',
        proto: 17,
        sport: 1,
        dport: 2,
        len: 60,
      },
    ];
    const res = await postBinary(hvA, agentA, encodeBinaryBatch(packetsToBatch(packets)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const buf = await res.arrayBuffer();
    expect(buf.byteLength).toBe(8 + 8 * packets.length);
    const v = decodeBinaryVerdicts(buf);
    expect([...v.reason]).toEqual([REASON.new, REASON.established, REASON.default, REASON['unknown-vnic']]);
    expect([...v.action]).toEqual([0, 0, 1, 1]);
    expect(v.rule[0]).toBe(v.rule[1]);
    const rules = await ok(call('GET', `/v1/hypervisors/${hvA}/rules`));
    expect(rules.body.items).toContainEqual({
      handle: v.rule[0],
      tenant: 'bin1',
      policy: 'app',
      rule: 'web-to-db',
    });
    // the same packets as JSON on the other direction's flow give the same reasons
    const json = await send(hvA, agentA, [
      {
        vnic: 'web-1-eth0',
        dir: 'out',
        src: '10.0.1.5',
        dst: '10.0.2.7',
        proto: 6,
        sport: 1000,
        dport: 5432,
        flags: 'A',
        len: 52,
      },
    ]);
    expect(json[0]!.reason).toBe('established');
  });

  it('judges OWP4 (IPv4-only) and OWC1 (columns) batches as OWP1 ones, and refuses an IPv6 record in OWP4', async () => {
    const { hvA, agentA } = await webDbScenario('bin4');
    const vnics = await ok(call('GET', `/v1/hypervisors/${hvA}/vnics`));
    const handle = vnics.body.items.find((v: { vnic: string }) => v.vnic === 'web-1-eth0').handle as number;
    const flow = (sport: number, flags: string, reply = false) => tcp(handle, sport, flags, { reply });
    // one flow opened through OWP1, another through OWP4; each continued in the other format
    const wide = (p: ReturnType<typeof flow>[]) => encodeBinaryBatch(packetsToBatch(p));
    const narrow = (p: ReturnType<typeof flow>[]) => encodeBinaryBatch(packetsToBatch(p), { ipv4Only: true });
    const columns = (p: ReturnType<typeof flow>[]) => encodeColumnarBatch(packetsToBatch(p));
    const opened = [
      await postBinary(hvA, agentA, wide([flow(2000, 'S'), flow(2000, 'SA', true)])),
      await postBinary(hvA, agentA, narrow([flow(2001, 'S'), flow(2001, 'SA', true)])),
      await postBinary(hvA, agentA, columns([flow(2004, 'S'), flow(2004, 'SA', true)])),
    ];
    const verdicts = async (r: Response) => {
      expect(r.status).toBe(200);
      const v = decodeBinaryVerdicts(await r.arrayBuffer());
      return { reason: [...v.reason], action: [...v.action], rule: [...v.rule] };
    };
    const [a, b, c] = [await verdicts(opened[0]!), await verdicts(opened[1]!), await verdicts(opened[2]!)];
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.reason).toEqual([REASON.new, REASON.established]);
    const crossed = await verdicts(await postBinary(hvA, agentA, narrow([flow(2000, 'A'), flow(2004, 'A')])));
    expect(crossed.reason).toEqual([REASON.established, REASON.established]);
    const back = await verdicts(await postBinary(hvA, agentA, columns([flow(2000, 'A'), flow(2001, 'A')])));
    expect(back.reason).toEqual([REASON.established, REASON.established]);

    const bad = narrow([flow(2002, 'S'), flow(2003, 'S')]);
    new DataView(bad, 8 + 24).setUint8(5, 6); // record 1 says IPv6
    const refused = await postBinary(hvA, agentA, bad);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /^packets\[1\]\.family: 6 in an OWP4 batch/,
    );
    // nothing of the refused batch was applied: its first packet's flow is still new
    const after = await verdicts(await postBinary(hvA, agentA, narrow([flow(2002, 'S')])));
    expect(after.reason).toEqual([REASON.new]);
  });

  it('keeps every flow of concurrent OWP1, OWP4 and OWC1 batches to one hypervisor', async () => {
    const { hvA, agentA } = await webDbScenario('bin5');
    const vnics = await ok(call('GET', `/v1/hypervisors/${hvA}/vnics`));
    const handle = vnics.body.items.find((v: { vnic: string }) => v.vnic === 'web-1-eth0').handle as number;
    const encode = (i: number, p: ReturnType<typeof tcp>[]) =>
      i % 3 === 2
        ? encodeColumnarBatch(packetsToBatch(p))
        : encodeBinaryBatch(packetsToBatch(p), { ipv4Only: i % 3 === 1 });
    const sports = (i: number) => Array.from({ length: 50 }, (_, k) => 3000 + 50 * i + k);
    const round = async (flags: string, reply = false) =>
      Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const res = await postBinary(
            hvA,
            agentA,
            encode(
              i,
              sports(i).map((p) => tcp(handle, p, flags, { reply })),
            ),
          );
          expect(res.status).toBe(200);
          return [...decodeBinaryVerdicts(await res.arrayBuffer()).reason];
        }),
      );
    for (const reasons of await round('S')) expect(new Set(reasons)).toEqual(new Set([REASON.new]));
    for (const reasons of await round('SA', true))
      expect(new Set(reasons)).toEqual(new Set([REASON.established]));
    for (const reasons of await round('A')) expect(new Set(reasons)).toEqual(new Set([REASON.established]));
  });

  it('refuses a malformed binary batch whole, naming the record', async () => {
    const { hvA, agentA } = await webDbScenario('bin2');
    const batch = encodeBinaryBatch(
      packetsToBatch([
        { vnic: 1, dir: 'out', src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 1, dport: 2, flags: 'S' },
        { vnic: 1, dir: 'out', src: '10.0.1.5', dst: '10.0.2.7', proto: 6, sport: 1, dport: 2, flags: 'S' },
      ]),
    );
    new Uint8Array(batch)[8 + 48 + 4] = 7; // record 1: dir 7
    const res = await postBinary(hvA, agentA, batch);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/packets\[1\]\.dir/);
    const truncated = await postBinary(hvA, agentA, batch.slice(0, 30));
    expect(truncated.status).toBe(400);
  });

  it('judges a batch streamed without a declared length as a sized one; over 4 MiB streamed is a 413', async () => {
    const { hvA, agentA } = await webDbScenario('bin-chunked');
    const vnics = await ok(call('GET', `/v1/hypervisors/${hvA}/vnics`));
    const handle = vnics.body.items.find((v: { vnic: string }) => v.vnic === 'web-1-eth0').handle as number;
    const opens = Array.from({ length: 300 }, (_, i) => tcp(handle, 2000 + i, 'S'));
    const first = new Uint8Array(encodeBinaryBatch(packetsToBatch(opens)));
    const res = await postBinary(hvA, agentA, chunked(first, 1000));
    expect(res.status).toBe(200);
    const v = decodeBinaryVerdicts(await res.arrayBuffer());
    expect(v.count).toBe(300);
    expect([...v.reason].every((r) => r === REASON.new)).toBe(true);
    const replies = opens.map((p) => tcp(handle, p.sport, 'SA', { reply: true }));
    const again = await postBinary(hvA, agentA, encodeBinaryBatch(packetsToBatch(replies)));
    expect(
      [...decodeBinaryVerdicts(await again.arrayBuffer()).reason].every((r) => r === REASON.established),
    ).toBe(true);

    const big = new Uint8Array(4 * 1024 * 1024 + 8);
    big.set(first.subarray(0, 8));
    const tooBig = await postBinary(hvA, agentA, chunked(big, 256 * 1024));
    expect(tooBig.status).toBe(413);
    const truncated = await postBinary(hvA, agentA, chunked(first.subarray(0, 100), 7));
    expect(truncated.status).toBe(400);
    expect(((await truncated.json()) as { error: { code: string } }).error.code).toBe('bad-batch');
  });

  it("answers 404 to a fetch of its object that is not the Worker's batch hop, and judges nothing", async () => {
    const { hvA, agentA } = await webDbScenario('bin-hop');
    const vnics = await ok(call('GET', `/v1/hypervisors/${hvA}/vnics`));
    const handle = vnics.body.items.find((v: { vnic: string }) => v.vnic === 'web-1-eth0').handle as number;
    const stub = env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hvA));
    const body = encodeBinaryBatch(packetsToBatch([tcp(handle, 4000, 'S')]));
    for (const request of [
      new Request('https://hypervisor.internal/packets', { method: 'GET' }),
      new Request('https://hypervisor.internal/packets', { method: 'PUT', body }),
      new Request('https://hypervisor.internal/other', { method: 'POST', body }),
      new Request('https://elsewhere.example/packets', { method: 'POST', body }),
    ])
      expect((await stub.fetch(request)).status).toBe(404);
    // the SYN above was never judged: the flow's first packet through the API is still new
    const res = await postBinary(hvA, agentA, body);
    expect([...decodeBinaryVerdicts(await res.arrayBuffer()).reason]).toEqual([REASON.new]);
  });

  it('cuts established flows on a policy change only with revalidateOnChange', async () => {
    for (const [t, revalidate, expected] of [
      ['rv-off', false, 'established'],
      ['rv-on', true, 'default'],
    ] as const) {
      const { editor, hvA, agentA } = await webDbScenario(t, {}, { revalidateOnChange: revalidate });
      const out = {
        vnic: 'web-1-eth0',
        dir: 'out' as const,
        src: '10.0.1.5',
        dst: '10.0.2.7',
        proto: 6,
        sport: 7,
        dport: 5432,
      };
      await send(hvA, agentA, [{ ...out, flags: 'S' }]);
      await send(hvA, agentA, [
        {
          vnic: 'web-1-eth0',
          dir: 'in',
          src: '10.0.2.7',
          dst: '10.0.1.5',
          proto: 6,
          sport: 5432,
          dport: 7,
          flags: 'SA',
        },
      ]);
      await ok(
        call('PUT', `/v1/tenants/${t}/policies/app`, {
          token: editor,
          body: { category: 'application', priority: 10, rules: [] },
        }),
      );
      expect((await send(hvA, agentA, [{ ...out, flags: 'A' }]))[0]!.reason, t).toBe(expected);
    }
  });
});
