/**
 * Data-plane benchmark: established-flow packets/s through DataPlane.process in batches of 1024
 * over 100k established TCP flows, next to the raw conntrack fast path (lookup + update) over the
 * same packets and a Map<number, number> get loop, all measured in this run (best of 3).
 * Run: npx tsx bench/processor.bench.ts
 */
import { pathToFileURL } from 'node:url';
import type { CompiledRuleSet, CompiledVnic } from '../src/compiler/types.js';
import { allocBatch, REASON, type PacketBatch } from '../src/dataplane/codec/index.js';
import { DEFAULT_TIMEOUTS, TCP_ACK, TCP_PSH, TCP_SYN } from '../src/dataplane/conntrack/index.js';
import { DataPlane } from '../src/dataplane/processor/index.js';
import { allowTcpOut, benchRuleSet, benchVnic } from './compiled-rule-set.js';
import { bestOf3, lcg } from './timing.js';

const TCP = 6;
const NOW_MS = 1_700_000_000_000;
const FLOWS = 100_000;
const VNICS = 64;
const BATCH = 1024;
const BATCHES = 512;
const ROUNDS = 4;
const PACKETS = BATCH * BATCHES * ROUNDS;

function ruleSet(): CompiledRuleSet {
  const tenNet = { any: false, negate: false, set: { v4: [0x0a000000, 0x0affffff], v6: [] } };
  const vnics: CompiledVnic[] = [];
  for (let v = 1; v <= VNICS; v++) vnics.push(benchVnic(v, `vm-${v}-eth0`, `vm-${v}`, [0, 1]));
  return benchRuleSet(
    'bench',
    'hv-1',
    [
      allowTcpOut('web', { dst: tenNet, dport: [443, 443, 80, 80] }),
      allowTcpOut('db', { dst: tenNet, dport: [5432, 5432, 22, 22] }),
    ],
    vnics,
  );
}

interface Flows {
  vnic: Uint32Array;
  src: Uint32Array;
  dst: Uint32Array;
  sport: Uint16Array;
  dport: Uint16Array;
}

function randomFlows(rand: () => number): Flows {
  const f: Flows = {
    vnic: new Uint32Array(FLOWS),
    src: new Uint32Array(FLOWS),
    dst: new Uint32Array(FLOWS),
    sport: new Uint16Array(FLOWS),
    dport: new Uint16Array(FLOWS),
  };
  for (let i = 0; i < FLOWS; i++) {
    f.vnic[i] = 1 + (rand() % VNICS);
    f.src[i] = 0x0a000000 | (rand() & 0xffffff);
    f.dst[i] = 0x0a000000 | (rand() & 0xffffff);
    f.sport[i] = 1024 + (rand() % 60000);
    f.dport[i] = [443, 80, 22, 5432][rand() % 4]!;
  }
  return f;
}

/** Writes packet `i` of `batch`: flow `n`, original direction or reply. */
function put(batch: PacketBatch, i: number, f: Flows, n: number, reply: boolean, flags: number): void {
  batch.vnic[i] = f.vnic[n]!;
  batch.dir[i] = reply ? 1 : 0;
  batch.family[i] = 4;
  batch.proto[i] = TCP;
  batch.flags[i] = flags;
  batch.src[i * 4] = reply ? f.dst[n]! : f.src[n]!;
  batch.dst[i * 4] = reply ? f.src[n]! : f.dst[n]!;
  batch.sport[i] = reply ? f.dport[n]! : f.sport[n]!;
  batch.dport[i] = reply ? f.sport[n]! : f.dport[n]!;
  batch.len[i] = 1400;
}

/** Opens every flow through the data plane itself: SYN out, SYN-ACK in, ACK out. */
function handshake(dp: DataPlane, f: Flows): void {
  const steps: [boolean, number][] = [
    [false, TCP_SYN],
    [true, TCP_SYN | TCP_ACK],
    [false, TCP_ACK],
  ];
  for (const [reply, flags] of steps) {
    for (let at = 0; at < FLOWS; at += BATCH) {
      const batch = allocBatch(Math.min(BATCH, FLOWS - at));
      for (let i = 0; i < batch.count; i++) put(batch, i, f, at + i, reply, flags);
      dp.process(batch, NOW_MS);
    }
  }
}

export async function run(): Promise<Record<string, number>> {
  const rand = lcg(7);
  const dp = new DataPlane();
  dp.applyRuleSet(ruleSet());
  const f = randomFlows(rand);
  handshake(dp, f);
  dp.conntrack.takeDirty();
  if (dp.conntrack.size < FLOWS * 0.99) throw new Error(`only ${dp.conntrack.size} flows opened`);

  const batches: PacketBatch[] = [];
  const keys = new Float64Array(BATCH * BATCHES);
  for (let b = 0; b < BATCHES; b++) {
    const batch = allocBatch(BATCH);
    for (let i = 0; i < BATCH; i++) {
      const n = rand() % FLOWS;
      const reply = (rand() & 1) === 1;
      put(batch, i, f, n, reply, rand() & 1 ? TCP_ACK : TCP_ACK | TCP_PSH);
      keys[b * BATCH + i] = n * 2 + (reply ? 1 : 0);
    }
    batches.push(batch);
  }

  const later = NOW_MS + 1000;
  const dataPlane = bestOf3(() => {
    let established = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const batch of batches) {
        const v = dp.process(batch, later);
        for (let i = 0; i < v.count; i++) if (v.reason[i] === REASON.established) established++;
      }
    }
    return established;
  });
  // Colliding random tuples (same vNIC, addresses and ports) are rare; allow a handful.
  if (dataPlane.check < PACKETS * 0.99) throw new Error(`established ${dataPlane.check} of ${PACKETS}`);

  const ct = dp.conntrack;
  const t = DEFAULT_TIMEOUTS;
  const now = Math.floor(later / 1000);
  const conntrack = bestOf3(() => {
    let established = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const b of batches) {
        for (let i = 0; i < b.count; i++) {
          const ref = ct.lookup4(b.vnic[i]!, TCP, b.src[i * 4]!, b.dst[i * 4]!, b.sport[i]!, b.dport[i]!);
          if (ref >= 0 && ct.update(ref, b.flags[i]!, now, t) === 'established') established++;
        }
      }
    }
    return established;
  });

  const map = new Map<number, number>();
  for (let n = 0; n < FLOWS; n++) {
    map.set(n * 2, n);
    map.set(n * 2 + 1, n);
  }
  const baseline = bestOf3(() => {
    let sum = 0;
    for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < keys.length; i++) sum += map.get(keys[i]!) ?? 0;
    return sum;
  });

  const dataPlaneMpps = PACKETS / dataPlane.seconds / 1e6;
  const conntrackMpps = PACKETS / conntrack.seconds / 1e6;
  const mapBaselineMops = PACKETS / baseline.seconds / 1e6;
  return {
    dataPlaneMpps,
    conntrackFastPathMpps: conntrackMpps,
    mapBaselineMops,
    dataPlaneVsMap: dataPlaneMpps / mapBaselineMops,
    dataPlaneVsConntrack: dataPlaneMpps / conntrackMpps,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run();
  for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(24)} ${value.toFixed(2)}`);
}
