/** D1 binds at most 100 parameters per statement: split multi-row inserts accordingly. */
export const MAX_PARAMS = 100;

export function chunkRows<T>(rows: readonly T[], paramsPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMS / paramsPerRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
