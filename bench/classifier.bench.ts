import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClassifier, type Classifier, type ClassifierRule } from '../src/dataplane/classifier/index.js';
import {
  parseClassBenchRules,
  parseClassBenchTrace,
  parseFirstMatch,
  type ClassBenchTrace,
} from '../src/dataplane/classifier/classbench.js';

const DATA = path.join(import.meta.dirname, '../../shared/classbench');
const MIN_SECONDS = 1;
const ROUNDS = 3;
const BUILDS = 6;

const SIGN = 0x80000000;
const FIELDS = 5;

/**
 * Typed-array first-match scan over one [lo, hi] per field per rule (ClassBench rules have one service).
 * Each field is stored as lo and (hi - lo) XOR 2^31, so `x in [lo, hi]` is the single int32 comparison
 * ((x - lo) ^ 2^31) <= ((hi - lo) ^ 2^31), which almost always fails predictably.
 */
class LinearScan {
  readonly #fields: Int32Array;

  constructor(rules: readonly ClassifierRule[]) {
    this.#fields = new Int32Array(rules.length * FIELDS * 2);
    rules.forEach((r, i) => {
      const s = r.services[0]!;
      const port = (p: number[]) => (p.length === 0 ? [0, 0xffff] : p);
      const proto = s.proto < 0 ? [0, 255] : [s.proto, s.proto];
      [r.src.set.v4, r.dst.set.v4, port(s.dport), port(s.sport), proto].forEach(([lo, hi], f) => {
        this.#fields[(i * FIELDS + f) * 2] = lo! | 0;
        this.#fields[(i * FIELDS + f) * 2 + 1] = (hi! - lo!) ^ SIGN;
      });
    });
  }

  match4(src: number, dst: number, proto: number, sport: number, dport: number): number {
    const b = this.#fields;
    for (let o = 0; o < b.length; o += FIELDS * 2) {
      if (
        ((src - b[o]!) ^ SIGN) <= b[o + 1]! &&
        ((dst - b[o + 2]!) ^ SIGN) <= b[o + 3]! &&
        ((dport - b[o + 4]!) ^ SIGN) <= b[o + 5]! &&
        ((sport - b[o + 6]!) ^ SIGN) <= b[o + 7]! &&
        ((proto - b[o + 8]!) ^ SIGN) <= b[o + 9]!
      ) {
        return o / (FIELDS * 2);
      }
    }
    return -1;
  }
}

/** Classifies a whole trace and returns the sum of the results. */
type TraceLoop = (t: ClassBenchTrace) => number;

/**
 * Best-of-ROUNDS packets per second, each round repeating the trace for at least MIN_SECONDS. Every
 * repetition's sum of results is checked against the oracle's, which also keeps the work observable.
 */
function measureMpps(classifyTrace: TraceLoop, t: ClassBenchTrace, oracleSum: number): number {
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let packets = 0;
    const start = performance.now();
    let elapsed: number;
    do {
      if (classifyTrace(t) !== oracleSum) throw new Error('classification differs from the oracle');
      packets += t.length;
      elapsed = performance.now() - start;
    } while (elapsed < MIN_SECONDS * 1000);
    best = Math.max(best, packets / elapsed / 1000);
  }
  return best;
}

function subTrace(t: ClassBenchTrace, n: number): ClassBenchTrace {
  return {
    length: n,
    src: t.src.subarray(0, n),
    dst: t.dst.subarray(0, n),
    sport: t.sport.subarray(0, n),
    dport: t.dport.subarray(0, n),
    proto: t.proto.subarray(0, n),
    label: t.label.subarray(0, n),
  };
}

export async function run(): Promise<Record<string, number>> {
  const read = (name: string) => readFileSync(path.join(DATA, name), 'utf8');
  const rules = parseClassBenchRules(read('acl3_10k'));

  const buildTimes: number[] = [];
  let classifier: Classifier | undefined;
  for (let i = 0; i < BUILDS; i++) {
    const start = performance.now();
    classifier = buildClassifier(rules);
    buildTimes.push(performance.now() - start);
  }
  const firstBuildMs = buildTimes[0]!;
  // the first build runs mostly unoptimized (cold JIT); report the median of the later ones as build time
  const buildMs = buildTimes.slice(1).sort((a, b) => a - b)[(BUILDS - 1) >> 1]!;

  // parsed after the builds, so that their garbage is not collected during build timing
  const trace = parseClassBenchTrace(read('acl3_10k_trace'));
  const oracle = parseFirstMatch(read('acl3_10k_trace.firstmatch'));

  let mismatches = 0;
  for (let i = 0; i < trace.length; i++) {
    const got = classifier!.match4(
      trace.src[i]!,
      trace.dst[i]!,
      trace.proto[i]!,
      trace.sport[i]!,
      trace.dport[i]!,
    );
    if (got !== oracle[i]) mismatches++;
  }

  const sum = (o: Int32Array) => o.reduce((a, b) => a + b, 0);
  // each matcher gets its own loop literal, so both call sites stay monomorphic for the JIT
  const classifierLoop: TraceLoop = (t) => {
    let total = 0;
    for (let i = 0; i < t.length; i++) {
      total += classifier!.match4(t.src[i]!, t.dst[i]!, t.proto[i]!, t.sport[i]!, t.dport[i]!);
    }
    return total;
  };
  const classifierMpps = measureMpps(classifierLoop, trace, sum(oracle));
  const scan = new LinearScan(rules);
  // the scan is far slower; a tenth of the trace keeps each round near MIN_SECONDS
  const part = Math.ceil(trace.length / 10);
  const scanLoop: TraceLoop = (t) => {
    let total = 0;
    for (let i = 0; i < t.length; i++)
      total += scan.match4(t.src[i]!, t.dst[i]!, t.proto[i]!, t.sport[i]!, t.dport[i]!);
    return total;
  };
  const linearScanMpps = measureMpps(scanLoop, subTrace(trace, part), sum(oracle.subarray(0, part)));
  return {
    rules: rules.length,
    tracePackets: trace.length,
    buildMs,
    firstBuildMs,
    classifierMpps,
    linearScanMpps,
    speedup: classifierMpps / linearScanMpps,
    mismatches,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await run();
  console.table({
    'rules / trace packets': `${r.rules} / ${r.tracePackets}`,
    'build, median of warm (ms)': r.buildMs!.toFixed(1),
    'build, first/cold (ms)': r.firstBuildMs!.toFixed(1),
    'classifier (Mpps)': r.classifierMpps!.toFixed(2),
    'linear scan (Mpps)': r.linearScanMpps!.toFixed(3),
    speedup: `${r.speedup!.toFixed(1)}x`,
    'oracle mismatches': r.mismatches,
  });
  if (r.mismatches !== 0) process.exitCode = 1;
}
