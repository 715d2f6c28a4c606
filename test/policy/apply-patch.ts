type Doc = Record<string, unknown> | unknown[];
type Op = { op: string; path: string; from?: string; value?: unknown };

/** Applies an RFC 6902 patch (add, remove, replace, move) to a copy of `doc`. */
export function applyPatch<T>(doc: T, patch: Op[]): T {
  const root = structuredClone(doc) as Doc;
  const locate = (pointer: string) => {
    const tokens = pointer
      .split('/')
      .slice(1)
      .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const key = tokens.pop()!;
    let parent = root as Record<string, unknown>;
    for (const t of tokens) parent = parent[t] as Record<string, unknown>;
    return { parent, key };
  };
  const take = (pointer: string) => {
    const { parent, key } = locate(pointer);
    if (Array.isArray(parent)) return parent.splice(Number(key), 1)[0];
    const value = parent[key];
    delete parent[key];
    return value;
  };
  const put = (pointer: string, value: unknown, insert: boolean) => {
    const { parent, key } = locate(pointer);
    if (Array.isArray(parent)) parent.splice(Number(key), insert ? 0 : 1, value);
    else parent[key] = value;
  };
  for (const op of patch) {
    if (op.op === 'remove') take(op.path);
    else if (op.op === 'add') put(op.path, op.value, true);
    else if (op.op === 'replace') put(op.path, op.value, false);
    else if (op.op === 'move') put(op.path, take(op.from!), true);
    else throw new Error(`unexpected op ${op.op}`);
  }
  return root as T;
}
