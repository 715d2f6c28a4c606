/** UTF-16 units of JSON per bound array: a bound value stays under 1 MB (D1 allows 2 MB). */
const JSON_UNITS = 300_000;

/**
 * `items` as JSON array texts of bounded size, for statements that unpack one bound array with
 * json_each: thousands of rows in a few statements instead of one per 100 bound parameters.
 */
export function jsonChunks(items: readonly unknown[]): string[] {
  const out: string[] = [];
  let chunk: string[] = [];
  let units = 0;
  for (const item of items) {
    const text = JSON.stringify(item);
    if (chunk.length && units + text.length > JSON_UNITS) {
      out.push(`[${chunk.join(',')}]`);
      chunk = [];
      units = 0;
    }
    chunk.push(text);
    units += text.length + 1;
  }
  if (chunk.length) out.push(`[${chunk.join(',')}]`);
  return out;
}
