/** Above this many lines in the changed middle, a diff says how many changed instead of aligning them. */
const MAX_ALIGN = 2000;
const CONTEXT = 3;

/** A unified-style diff of two texts: ` ` kept, `-` removed, `+` added, with a little context. */
export function lineDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 && midB.length === 0) return [];
  let middle: string[];
  if (midA.length * midB.length > MAX_ALIGN * MAX_ALIGN)
    middle = [`@@ ${midA.length} lines replaced by ${midB.length} lines @@`];
  else middle = align(midA, midB);
  const before_ = a.slice(Math.max(0, head - CONTEXT), head).map((l) => `  ${l}`);
  const after_ = a.slice(a.length - tail, a.length - tail + CONTEXT).map((l) => `  ${l}`);
  return [...before_, ...middle, ...after_];
}

/** Longest common subsequence alignment of two short line lists. */
function align(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}
