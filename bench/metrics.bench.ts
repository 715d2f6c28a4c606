/**
 * Packet-path cost of the /metrics verdict counters: established-flow packets/s through DataPlane.process
 * in batches of 1024 over 100k flows, alone and followed by VerdictTally.count (what the HypervisorDO does
 * per batch), interleaved in this run (best of 3 each), plus the tally pass on its own.
 * Run: npx tsx bench/metrics.bench.ts
 */
import { pathToFileURL } from 'node:url';
import type { CompiledRuleSet, CompiledVnic } from '../src/compiler/types.js';
import { allocBatch, type PacketBatch, type VerdictBatch } from '../src/dataplane/codec/index.js';
import { TCP_ACK, TCP_SYN } from '../src/dataplane/conntrack/index.js';
import { DataPlane } from '../src/dataplane/processor/index.js';
import { VerdictTally } from '../src/metrics/verdict-tally.js';
import { allowTcpOut, benchRuleSet, benchVnic } from './compiled-rule-set.js';
import { bestOf3, lcg, printFigures } from './timing.js';

const TCP = 6;
const NOW_MS = 1_700_000_000_000;
const FLOWS = 100_000;
const VNICS = 64;
const BATCH = 1024;
const BATCHES = 256;
const ROUNDS = 4;
const PACKETS = BATCH * BATCHES * ROUNDS;

function ruleSet(tenant: string, first: number): CompiledRuleSet {
  const vnics: CompiledVnic[] = [];
  for (let v = first; v < first + VNICS / 2; v++) vnics.push(benchVnic(v, `vm-${v}-eth0`, `vm-${v}`, [0]));
  return benchRuleSet(tenant, 'hv-1', [allowTcpOut('any-out')], vnics);
}

/** Packet `i` of `batch`: flow `n`, in its original direction or as the reply. */
function fill(
  batch: PacketBatch,
  i: number,
  rand: () => number,
  n: number,
  reply: boolean,
  flags: number,
): void {
  const src = 0x0a000000 | (n & 0xffffff);
  const dst = 0x0b000000 | ((n * 7) & 0xffffff);
  const sport = 1024 + (n % 60000);
  batch.vnic[i] = 1 + (n % VNICS);
  batch.dir[i] = reply ? 1 : 0;
  batch.family[i] = 4;
  batch.proto[i] = TCP;
  batch.flags[i] = flags;
  batch.src[i * 4] = reply ? dst : src;
  batch.dst[i * 4] = reply ? src : dst;
  batch.sport[i] = reply ? 443 : sport;
  batch.dport[i] = reply ? sport : 443;
  batch.len[i] = 100 + (rand() % 1300);
}

export async function run(): Promise<Record<string, number>> {
  const rand = lcg(11);
  const dp = new DataPlane();
  const tally = new VerdictTally();
  for (const rs of [ruleSet('t1', 1), ruleSet('t2', 1 + VNICS / 2)]) {
    dp.applyRuleSet(rs, NOW_MS);
    for (const v of rs.vnics) tally.assign(v.handle, rs.tenant);
  }
  const handshake: [boolean, number][] = [
    [false, TCP_SYN],
    [true, TCP_SYN | TCP_ACK],
    [false, TCP_ACK],
  ];
  for (const [reply, flags] of handshake)
    for (let at = 0; at < FLOWS; at += BATCH) {
      const b = allocBatch(Math.min(BATCH, FLOWS - at));
      for (let i = 0; i < b.count; i++) fill(b, i, rand, at + i, reply, flags);
      dp.process(b, NOW_MS);
    }
  const batches: PacketBatch[] = [];
  for (let k = 0; k < BATCHES; k++) {
    const b = allocBatch(BATCH);
    for (let i = 0; i < BATCH; i++) fill(b, i, rand, rand() % FLOWS, (rand() & 1) === 1, TCP_ACK);
    batches.push(b);
  }
  const later = NOW_MS + 1000;
  const verdicts: VerdictBatch[] = batches.map((b) => dp.process(b, later));

  const plain = () => {
    let allowed = 0;
    for (let r = 0; r < ROUNDS; r++)
      for (const b of batches) allowed += dp.process(b, later).action[0] === 0 ? 1 : 0;
    return allowed;
  };
  const counted = () => {
    let allowed = 0;
    for (let r = 0; r < ROUNDS; r++)
      for (const b of batches) {
        const v = dp.process(b, later);
        tally.count(b, v);
        allowed += v.action[0] === 0 ? 1 : 0;
      }
    return allowed;
  };
  const tallyOnly = () => {
    for (let r = 0; r < ROUNDS; r++) for (let k = 0; k < BATCHES; k++) tally.count(batches[k]!, verdicts[k]!);
    return tally.rows().length;
  };
  // interleaved, so drift of the machine's load hits both sides alike
  let without = Infinity;
  let withTally = Infinity;
  for (let i = 0; i < 3; i++) {
    without = Math.min(without, bestOf3(plain).seconds);
    withTally = Math.min(withTally, bestOf3(counted).seconds);
  }
  const alone = bestOf3(tallyOnly);
  const established = tally
    .rows()
    .filter((r) => r.reason === 'established')
    .reduce((n, r) => n + r.packets, 0);
  if (established < PACKETS * 0.99) throw new Error('tally did not count the packets');

  const withoutMpps = PACKETS / without / 1e6;
  const withMpps = PACKETS / withTally / 1e6;
  return {
    processMpps: withoutMpps,
    processWithTallyMpps: withMpps,
    tallyCostRatio: withoutMpps / withMpps,
    tallyAloneMpps: PACKETS / alone.seconds / 1e6,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) printFigures(await run());
