import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { HypervisorDO } from '../../src/hypervisor/hypervisor-do.js';
import { ruleSetParts } from '../../src/compiler/rule-set-parts.js';
import { bigRuleSet } from '../compiler/big-rule-set.js';
import { sendOne, webDbScenario } from './scenario.js';

const udp = { src: '10.0.1.5', dst: '10.0.2.7', proto: 17, sport: 5000, dport: 5432, len: 100 };

describe('hypervisor object state', () => {
  it('keeps conntrack across a restart of the object', async () => {
    const { hvA, agentA } = await webDbScenario('ps1', {
      rules: [
        {
          id: 'out',
          sources: { groups: ['web'] },
          services: [{ proto: 'tcp' }],
          direction: 'out',
          action: 'allow',
        },
      ],
    });
    const syn = {
      vnic: 'web-1-eth0',
      dir: 'out' as const,
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: 6,
      sport: 41000,
      dport: 5432,
      flags: 'S',
    };
    expect((await sendOne(hvA, agentA, syn)).reason).toBe('new');
    const stub = env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hvA));
    // a fresh instance over the same storage: what an eviction or restart leaves behind
    const reloaded = await runInDurableObject(stub, async (_instance, state) => {
      const fresh = new HypervisorDO(state, env);
      await state.blockConcurrencyWhile(async () => {});
      const counts = await fresh.flowCount();
      const reply = await fresh.processJson({
        packets: [
          {
            vnic: 'web-1-eth0',
            dir: 'in',
            src: '10.0.2.7',
            dst: '10.0.1.5',
            proto: 6,
            sport: 5432,
            dport: 41000,
            flags: 'SA',
          },
        ],
      });
      return { counts, reply };
    });
    expect(reloaded.counts).toEqual({ memory: 1, stored: 1 });
    expect(reloaded.reply).toMatchObject({
      ok: true,
      result: { verdicts: [{ action: 'allow', reason: 'established' }] },
    });
  });

  it('tracks UDP replies and expires flows by alarm, not by traffic', async () => {
    const { hvA, agentA } = await webDbScenario('ps2', {
      rules: [
        {
          id: 'udp-out',
          sources: { groups: ['web'] },
          services: [{ proto: 'udp' }],
          direction: 'out',
          action: 'allow',
        },
      ],
    });
    expect((await sendOne(hvA, agentA, { vnic: 'web-1-eth0', dir: 'out', ...udp })).reason).toBe('new');
    const reply = {
      vnic: 'web-1-eth0',
      dir: 'in' as const,
      src: '10.0.2.7',
      dst: '10.0.1.5',
      proto: 17,
      sport: 5432,
      dport: 5000,
    };
    expect((await sendOne(hvA, agentA, reply)).reason).toBe('established');
    const stub = env.HYPERVISOR.get(env.HYPERVISOR.idFromName(hvA));
    expect((await stub.flowCount()).memory).toBe(1);
    await stub.advanceClock(60);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.flowCount()).toEqual({ memory: 1, stored: 1 });
    await stub.advanceClock(121);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.flowCount()).toEqual({ memory: 0, stored: 0 });
    expect((await sendOne(hvA, agentA, reply)).action).toBe('drop');
  });

  it('takes a rule set too large for one message in parts, and keeps it across a restart', async () => {
    const rs = bigRuleSet(21_000, 10, 'parts', 'parts-hv');
    const split = ruleSetParts(rs)!;
    expect(split.parts.length).toBeGreaterThan(1);
    const stub = env.HYPERVISOR.get(env.HYPERVISOR.idFromName('parts-hv'));
    await stub.beginRuleSet(split.header);
    for (const part of split.parts) await stub.appendRuleSetPart('parts', 7, part);
    expect(await stub.commitRuleSet('parts', 7)).toMatchObject({
      tenant: 'parts',
      revision: 7,
      rules: 21_000,
      vnics: 300,
    });
    const reloaded = await runInDurableObject(stub, async (_instance, state) => {
      const fresh = new HypervisorDO(state, env);
      await state.blockConcurrencyWhile(async () => {});
      return fresh.status();
    });
    expect(reloaded).toEqual([
      expect.objectContaining({ tenant: 'parts', revision: 7, rules: 21_000, hash: 'abc' }),
    ]);
  });

  it('tracks ICMP echo by identifier', async () => {
    const { hvA, agentA } = await webDbScenario('ps3', {
      rules: [
        {
          id: 'ping',
          sources: { groups: ['web'] },
          services: ['icmp-echo'],
          direction: 'out',
          action: 'allow',
        },
      ],
    });
    const echo = {
      vnic: 'web-1-eth0',
      dir: 'out' as const,
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: 1,
      type: 8,
      code: 0,
      id: 77,
    };
    const echoReply = {
      vnic: 'web-1-eth0',
      dir: 'in' as const,
      src: '10.0.2.7',
      dst: '10.0.1.5',
      proto: 1,
      type: 0,
      code: 0,
    };
    expect((await sendOne(hvA, agentA, echo)).reason).toBe('new');
    expect((await sendOne(hvA, agentA, { ...echoReply, id: 77 })).reason).toBe('established');
    expect((await sendOne(hvA, agentA, { ...echoReply, id: 78 })).action).toBe('drop');
  });
});
