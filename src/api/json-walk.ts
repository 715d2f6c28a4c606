export type JsonPath = (string | number)[];

interface Frame {
  value: unknown;
  key: string | number | null;
  parent: Frame | null;
}

function pathOf(frame: Frame): JsonPath {
  const out: JsonPath = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) out.push(f.key);
  return out.reverse();
}

/**
 * Visits every value of a parsed JSON document (and every object key, as a string value at its
 * entry's path) without recursion, since a body may nest deep. `visit` answers true to stop; the
 * path is built only when asked for.
 */
export function walkJson(
  root: unknown,
  visit: (value: unknown, key: string | number | null, path: () => JsonPath) => boolean,
): void {
  const stack: Frame[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (visit(value, frame.key, () => pathOf(frame))) return;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: frame });
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const entry: Frame = { value: (value as Record<string, unknown>)[key], key, parent: frame };
        if (visit(key, key, () => pathOf(entry))) return;
        stack.push(entry);
      }
    }
  }
}
