/** Shared by the in-process benchmarks: a deterministic PRNG and best-of-three timing. */

export function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
}

/** Runs `run` three times; the fastest wall time, and the last run's result (kept so work is not elided). */
export function bestOf3(run: () => number): { seconds: number; check: number } {
  let seconds = Infinity;
  let check = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    check = run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds, check };
}

/** A bench's figures, one per line, when it runs on its own. */
export function printFigures(figures: Record<string, number>): void {
  for (const [name, value] of Object.entries(figures))
    console.log(`${name.padEnd(28)} ${Number(value.toFixed(3))}`);
}
