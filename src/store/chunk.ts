/** D1 binds at most 100 parameters per statement: split multi-row inserts and id lists accordingly. */
export const MAX_PARAMS = 100;

function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function chunkRows<T>(rows: readonly T[], paramsPerRow: number): T[][] {
  return slices(rows, Math.max(1, Math.floor(MAX_PARAMS / paramsPerRow)));
}

/** Parts of an `IN (...)` list for a statement that binds `otherParams` parameters besides the list. */
export function chunkIds<T>(ids: readonly T[], otherParams: number): T[][] {
  return slices(ids, Math.max(1, MAX_PARAMS - otherParams));
}
