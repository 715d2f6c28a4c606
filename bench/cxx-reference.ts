/**
 * A public C++ classifier beside ours, when one has been built on this machine (issue 13: fetched and
 * built outside the repository, nothing of it committed): OMNIWALL_CXX_REFERENCE names the `main` binary
 * of drjdaly/tuplemerge (TupleMerge online and offline, PartitionSort offline; `make`, -O3). Each of
 * RUNS runs classifies the whole trace once after building; Mpps is the best run's, build time the
 * median, size the classifier's own count of its bytes (the binary reports no heap figure).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const RUNS = 5;
const CLASSIFIERS = [
  ['TMOnline', 'TupleMerge-Online', 'tmOnline'],
  ['TMOffline', 'TupleMerge-Offline', 'tmOffline'],
  ['PartitionSortOffline', 'PartitionSortOffline', 'psOffline'],
] as const;

function binary(): string | undefined {
  const file = process.env.OMNIWALL_CXX_REFERENCE;
  if (!file) return undefined;
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    console.error(`cxx reference: ${file} is not an executable file; skipped`);
    return undefined;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Figures keyed `cxx_<classifier>_{mpps,buildMs,bytes}` and `cxxBestMpps`; empty without a binary. */
export function cxxReference(rulesFile: string, traceFile: string, packets: number): Record<string, number> {
  const bin = binary();
  if (!bin) return {};
  const dir = mkdtempSync(path.join(tmpdir(), 'omniwall-cxx-'));
  const runs = new Map<string, { s: number[]; ms: number[]; bytes: number }>();
  try {
    for (let i = 0; i < RUNS; i++) {
      const out = path.join(dir, `run-${i}.csv`);
      const args = [
        `f=${rulesFile}`,
        `p=${traceFile}`,
        `c=${CLASSIFIERS.map(([flag]) => flag).join(',')}`,
        `o=${out}`,
      ];
      const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 300_000 });
      if (r.status !== 0) throw new Error(`cxx reference exited ${r.status}: ${r.stderr.slice(0, 300)}`);
      const [header, ...lines] = readFileSync(out, 'utf8').trim().split('\n');
      const cols = header!.split(',');
      const at = (name: string) => cols.indexOf(name);
      for (const line of lines) {
        const f = line.split(',');
        const name = f[at('Classifier')]!;
        const run = runs.get(name) ?? { s: [], ms: [], bytes: 0 };
        run.s.push(Number(f[at('ClassificationTime(s)')]));
        run.ms.push(Number(f[at('ConstructionTime(ms)')]));
        run.bytes = Number(f[at('Size(bytes)')]);
        runs.set(name, run);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const figures: Record<string, number> = {};
  let best = 0;
  for (const [, name, key] of CLASSIFIERS) {
    const run = runs.get(name);
    if (!run) continue;
    const mpps = packets / Math.min(...run.s) / 1e6;
    figures[`cxx_${key}_mpps`] = mpps;
    figures[`cxx_${key}_buildMs`] = median(run.ms);
    figures[`cxx_${key}_bytes`] = run.bytes;
    best = Math.max(best, mpps);
  }
  if (best > 0) figures.cxxBestMpps = best;
  return figures;
}
