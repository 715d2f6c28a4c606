import { describe, expect, it } from 'vitest';
import { diffDocuments } from '../../src/policy/document-diff.js';
import { applyPatch } from './apply-patch.js';

const rule = (id: string, action = 'allow') => ({ id, action, sources: { cidrs: [`10.0.0.${id.length}`] } });
const policy = (rules: ReturnType<typeof rule>[], priority = 1) => ({ id: 'p', priority, rules });

function lcg(seed: number) {
  return () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('diffDocuments', () => {
  it('names one changed rule as one small operation', () => {
    const before = policy(Array.from({ length: 1000 }, (_, i) => rule(`r${i}`)));
    const after = {
      ...before,
      rules: before.rules.map((r) => (r.id === 'r500' ? { ...r, action: 'drop' } : r)),
    };
    const { patch, summary } = diffDocuments(before, after);
    expect(patch).toEqual([{ op: 'replace', path: '/rules/500/action', value: 'drop' }]);
    expect(summary.fields).toEqual(['rules']);
    expect(summary.byId.rules).toMatchObject({ changed: ['r500'], added: [], removed: [], moved: [] });
  });

  it('moves a rule with one move, inserts and removes by id, and changes top-level fields', () => {
    const before = policy(['a', 'b', 'c', 'd', 'e'].map((id) => rule(id)));
    const after = policy(
      ['b', 'c', 'x', 'd', 'a'].map((id) => rule(id)),
      2,
    );
    const { patch, summary } = diffDocuments(before, after);
    expect(applyPatch(before, patch)).toEqual(after);
    expect(patch.filter((op) => op.op === 'move')).toHaveLength(1);
    expect(summary.fields.sort()).toEqual(['priority', 'rules']);
    expect(summary.byId.rules).toMatchObject({ added: ['x'], removed: ['e'], moved: ['a'], changed: [] });
  });

  it('turns before into after for random edits of a keyed list', () => {
    const random = lcg(7);
    for (let round = 0; round < 200; round++) {
      const ids = Array.from({ length: 1 + Math.floor(random() * 30) }, (_, i) => `r${i}`);
      const before = policy(ids.map((id) => rule(id)));
      let next = [...before.rules];
      for (let edit = Math.floor(random() * 8); edit > 0; edit--) {
        const at = Math.floor(random() * next.length);
        const kind = random();
        if (kind < 0.25 && next.length > 1) next.splice(at, 1);
        else if (kind < 0.5) next.splice(at, 0, rule(`n${round}-${edit}`));
        else if (kind < 0.75 && next.length) {
          const [moved] = next.splice(at, 1);
          next.splice(Math.floor(random() * (next.length + 1)), 0, moved!);
        } else if (next.length) next = next.map((r, i) => (i === at ? { ...r, action: 'drop' } : r));
      }
      const after = policy(next);
      const { patch } = diffDocuments(before, after);
      expect(applyPatch(before, patch)).toEqual(after);
    }
  });

  it('keeps counts exact and id lists bounded when everything changes', () => {
    const before = policy(Array.from({ length: 3000 }, (_, i) => rule(`a${i}`)));
    const after = policy(Array.from({ length: 3000 }, (_, i) => rule(`b${i}`)));
    const { patch, summary } = diffDocuments(before, after);
    expect(summary.byId.rules!.counts).toEqual({ added: 3000, removed: 3000, changed: 0, moved: 0 });
    expect(summary.byId.rules!.added).toHaveLength(100);
    expect(applyPatch(before, patch)).toEqual(after);
  });
});
