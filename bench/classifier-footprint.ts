/**
 * Run in a fresh process with --expose-gc (bench/classifier.bench.ts spawns it): prints one JSON line
 * with the heap (JS heap + array buffers) that stays alive after GC, and the build time, for
 *   classifier <new|baseline> <classbench set>   one classifier over the set
 *   hypervisor <shared|dedicated|dedicated-baseline> <vnics> <realized>
 *     a tenant whose `vnics` vNICs each apply a distinct fifth of acl3_10k's rules; the tenant state is
 *     realized with classifiers warm, the first `realized` vNICs' lists for the dedicated approaches
 *     (one classifier per distinct list, as before sharing; baseline = the old bit-vector classifier).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledRule, CompiledRuleSet, CompiledVnic } from '../src/compiler/types.js';
import { buildClassifier, type Classifier, type ClassifierRule } from '../src/dataplane/classifier/index.js';
import { parseClassBenchRules } from '../src/dataplane/classifier/classbench.js';
import { RuleHandles } from '../src/dataplane/processor/rule-handles.js';
import { tenantStateSteps, type TenantState } from '../src/dataplane/processor/tenant-state.js';
import { VnicLabels } from '../src/dataplane/processor/vnic-labels.js';
import { buildClassifier as buildBaseline } from './baseline-bit-vector/classifier.js';
import { lcg } from './timing.js';

const DATA = path.join(import.meta.dirname, '../../shared/classbench');
const SUBSET_PER_MILLE = 200;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
function liveBytes(): number {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function ruleSet(rules: readonly ClassifierRule[], vnicCount: number): CompiledRuleSet {
  const compiled: CompiledRule[] = rules.map((r, i) => ({
    ...r,
    id: `r${i}`,
    policy: 'bench',
    category: 'application',
    action: i % 3 === 0 ? 'drop' : 'allow',
    direction: 'inout',
    stateful: true,
    tcpStrict: false,
    log: false,
  }));
  const next = lcg(0x5eed);
  const vnics: CompiledVnic[] = [];
  for (let v = 0; v < vnicCount; v++) {
    const list: number[] = [];
    for (let i = 0; i < compiled.length; i++) if (next() % 1000 < SUBSET_PER_MILLE) list.push(i);
    const address = 0x0a000000 + v;
    vnics.push({
      handle: v + 1,
      id: `vm-${v}-eth0`,
      workload: `vm-${v}`,
      addresses: { v4: [address, address], v6: [] },
      out: list,
      in: list,
    });
  }
  return {
    tenant: 't',
    hypervisor: 'hv',
    revision: 1,
    hash: 'bench',
    defaultAction: 'drop',
    spoofGuard: false,
    revalidateOnChange: false,
    timeouts: {},
    rules: compiled,
    vnics,
  } as CompiledRuleSet;
}

function realize(rs: CompiledRuleSet, warm: boolean): TenantState {
  const steps = tenantStateSteps(rs, new RuleHandles(), new VnicLabels(), warm);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

const [mode, kind, arg, arg2] = process.argv.slice(2);
const rules = parseClassBenchRules(
  readFileSync(path.join(DATA, mode === 'classifier' ? arg! : 'acl3_10k'), 'utf8'),
);
const keep: unknown[] = [];
let figures: Record<string, number>;
if (mode === 'classifier') {
  const build = kind === 'baseline' ? buildBaseline : buildClassifier;
  // a first build, kept, compiles the code, which should not count as the classifier's
  keep.push(build(rules));
  const before = liveBytes();
  const t0 = performance.now();
  const c: Classifier = build(rules);
  const ms = performance.now() - t0;
  keep.push(c);
  figures = { bytes: liveBytes() - before, ms, rules: c.size };
} else {
  const vnicCount = Number(arg);
  const rs = ruleSet(rules, vnicCount);
  const before = liveBytes();
  const t0 = performance.now();
  const state = realize(rs, kind === 'shared');
  let lists = 1;
  if (kind !== 'shared') {
    const build = kind === 'dedicated-baseline' ? buildBaseline : buildClassifier;
    const realized = Number(arg2 ?? vnicCount);
    lists = realized;
    for (const v of rs.vnics.slice(0, realized)) {
      keep.push(build(v.out.map((i) => rules[i]!)), Int32Array.from(v.out));
    }
  }
  const ms = performance.now() - t0;
  keep.push(state);
  figures = { bytes: liveBytes() - before, ms, lists, vnics: vnicCount };
}
console.log(JSON.stringify(figures), keep.length > 0 ? '' : ' ');
