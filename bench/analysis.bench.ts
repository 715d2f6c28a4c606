/**
 * Analysis benchmark: GET .../analysis's pure core on ClassBench acl3_10k as one policy (every third rule
 * drops), beside the tenant-wide compile it starts from, measured in the same run.
 * Run: npx tsx bench/analysis.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { analyseTenant, compileTenantView } from '../src/analysis/index.js';
import { acl3Policy } from '../test/analysis/acl3-policy.js';
import { printFigures } from './timing.js';
import { isMain } from './wrangler-dev.js';

export async function run() {
  const state = acl3Policy();
  let t0 = performance.now();
  const view = compileTenantView(state);
  const compileMs = performance.now() - t0;
  t0 = performance.now();
  const result = analyseTenant({ state, view, now: Date.now() });
  const analysisMs = performance.now() - t0;
  const count = (kind: string) => result.findings.filter((f) => f.kind === kind).length;
  return {
    rules: result.rules,
    compileMs,
    analysisMs,
    ratio: analysisMs / compileMs,
    shadowed: count('shadowed'),
    redundant: count('redundant'),
    correlated: count('correlated'),
    generalization: count('generalization'),
    inexact: result.findings.filter((f) => !f.exact).length,
  };
}

if (isMain(import.meta.url)) printFigures(await run());
