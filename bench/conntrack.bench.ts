/**
 * Conntrack benchmark: the established-flow fast path (lookup + update) against a plain
 * Map<number, number> lookup loop, and typed-array bytes per flow.
 * Run: npx tsx bench/conntrack.bench.ts (node --expose-gc makes the heap deltas steadier).
 */
import { pathToFileURL } from 'node:url';
import {
  ConntrackTable,
  DEFAULT_TIMEOUTS,
  TCP_ACK,
  TCP_PSH,
  TCP_SYN,
} from '../src/dataplane/conntrack/index.js';
import { bestOf3, lcg } from './timing.js';

const TCP = 6;
const UDP = 17;
const NOW = 1_700_000_000;
const FLOWS = 100_000;
const PACKETS = 2_000_000;

function establishedFastPath(): Record<string, number> {
  const table = new ConntrackTable({ initialCapacity: FLOWS, trackDirty: false });
  const rand = lcg(7);
  const vnic = new Uint32Array(FLOWS);
  const src = new Uint32Array(FLOWS);
  const dst = new Uint32Array(FLOWS);
  const sport = new Uint16Array(FLOWS);
  const dport = new Uint16Array(FLOWS);
  for (let i = 0; i < FLOWS; i++) {
    vnic[i] = 1 + (rand() % 64);
    src[i] = 0x0a000000 | (rand() & 0xffffff);
    dst[i] = 0x0a000000 | (rand() & 0xffffff);
    sport[i] = 1024 + (rand() % 60000);
    dport[i] = [443, 80, 22, 5432][rand() % 4]!;
    const ref = table.insert4(
      vnic[i]!,
      TCP,
      src[i]!,
      dst[i]!,
      sport[i]!,
      dport[i]!,
      TCP_SYN,
      NOW,
      DEFAULT_TIMEOUTS,
    );
    const reply = table.lookup4(vnic[i]!, TCP, dst[i]!, src[i]!, dport[i]!, sport[i]!);
    table.update(reply, TCP_SYN | TCP_ACK, NOW, DEFAULT_TIMEOUTS);
    table.update(ref, TCP_ACK, NOW, DEFAULT_TIMEOUTS);
  }
  // Packets of random flows, half in the reply direction: columns of the header fields.
  const pv = new Uint32Array(PACKETS);
  const ps = new Uint32Array(PACKETS);
  const pd = new Uint32Array(PACKETS);
  const psp = new Uint16Array(PACKETS);
  const pdp = new Uint16Array(PACKETS);
  const pf = new Uint8Array(PACKETS);
  const keys = new Float64Array(PACKETS);
  for (let i = 0; i < PACKETS; i++) {
    const f = rand() % FLOWS;
    const reply = rand() & 1;
    pv[i] = vnic[f]!;
    ps[i] = reply ? dst[f]! : src[f]!;
    pd[i] = reply ? src[f]! : dst[f]!;
    psp[i] = reply ? dport[f]! : sport[f]!;
    pdp[i] = reply ? sport[f]! : dport[f]!;
    pf[i] = rand() & 1 ? TCP_ACK : TCP_ACK | TCP_PSH;
    keys[i] = f * 2 + reply;
  }
  const t = DEFAULT_TIMEOUTS;
  const conntrack = bestOf3(() => {
    let established = 0;
    for (let i = 0; i < PACKETS; i++) {
      const ref = table.lookup4(pv[i]!, TCP, ps[i]!, pd[i]!, psp[i]!, pdp[i]!);
      if (ref >= 0 && table.update(ref, pf[i]!, NOW + 1, t) === 'established') established++;
    }
    return established;
  });
  if (conntrack.check !== PACKETS) throw new Error(`fast path matched ${conntrack.check} of ${PACKETS}`);

  const map = new Map<number, number>();
  for (let f = 0; f < FLOWS; f++) {
    map.set(f * 2, f);
    map.set(f * 2 + 1, f);
  }
  const baseline = bestOf3(() => {
    let sum = 0;
    for (let i = 0; i < PACKETS; i++) sum += map.get(keys[i]!) ?? 0;
    return sum;
  });
  const mpps = PACKETS / conntrack.seconds / 1e6;
  const mapMops = PACKETS / baseline.seconds / 1e6;
  return { fastPathMpps: mpps, mapBaselineMops: mapMops, fastPathVsMap: mpps / mapMops };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function memoryPerFlow(): Record<string, number> {
  const v4Flows = 1_000_000;
  const v6Flows = 200_000;
  gc();
  const before = process.memoryUsage();
  const v4 = new ConntrackTable({ maxFlows: v4Flows + 1, trackDirty: false });
  for (let i = 0; i < v4Flows; i++) {
    v4.insert4(
      1 + (i & 63),
      UDP,
      0x0a000000 + i,
      0xc0a80001,
      1024 + (i % 50000),
      53,
      0,
      NOW,
      DEFAULT_TIMEOUTS,
    );
  }
  if (v4.size !== v4Flows) throw new Error(`inserted ${v4.size} IPv4 flows`);
  gc();
  const after = process.memoryUsage();

  const v6 = new ConntrackTable({ trackDirty: false });
  const a = [0x20010db8, 0, 0, 0];
  const b = [0x20010db8, 1, 0, 1];
  for (let i = 0; i < v6Flows; i++) {
    a[3] = i;
    v6.insert6(1 + (i & 63), UDP, a, 0, b, 0, 1024 + (i % 50000), 53, 0, NOW, DEFAULT_TIMEOUTS);
  }
  return {
    ipv4BytesPerFlow: v4.byteLength4 / v4Flows,
    ipv4HeapDeltaBytesPerFlow:
      (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / v4Flows,
    ipv6BytesPerFlow: v6.byteLength6 / v6Flows,
  };
}

export async function run(): Promise<Record<string, number>> {
  return { ...establishedFastPath(), ...memoryPerFlow() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await run();
  for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(28)} ${value.toFixed(2)}`);
}
