import type { RuleDirection } from '../policy/types.js';
import type { CompiledVnic } from './types.js';
import { SharedLists } from './shared-lists.js';

/** A rule as emitted: the local vNICs it applies to (one array per appliedTo scope) and its direction. */
export interface EmittedRule {
  targets: readonly number[];
  direction: RuleDirection;
}

/**
 * Sets each vNIC's `out` and `in` rule lists. vNICs that lie in exactly the same appliedTo scopes get
 * the same lists, so the lists are built once per such class rather than pushed into per vNIC: with no
 * appliedTo, 10,000 rules on 250 vNICs are 10,000 pushes a direction instead of 2.5 million. Equal lists
 * of different classes are still made one instance.
 */
export function assignRuleLists(vnics: CompiledVnic[], emitted: readonly EmittedRule[]): void {
  const scopeOf = new Map<readonly number[], number>();
  const ruleScope = new Int32Array(emitted.length);
  emitted.forEach((e, i) => {
    let k = scopeOf.get(e.targets);
    if (k === undefined) scopeOf.set(e.targets, (k = scopeOf.size));
    ruleScope[i] = k;
  });
  const signature = vnics.map(() => '');
  for (const [targets, k] of scopeOf) for (const v of targets) signature[v] += `${k},`;

  const lists = new SharedLists();
  const byClass = new Map<string, { out: number[]; in: number[] }>();
  vnics.forEach((vnic, v) => {
    let cls = byClass.get(signature[v]!);
    if (!cls) {
      const member = new Uint8Array(scopeOf.size);
      for (const k of signature[v]!.split(',')) if (k) member[Number(k)] = 1;
      const out: number[] = [];
      const inbound: number[] = [];
      emitted.forEach((e, i) => {
        if (!member[ruleScope[i]!]) return;
        if (e.direction !== 'in') out.push(i);
        if (e.direction !== 'out') inbound.push(i);
      });
      cls = { out: lists.intern(out), in: lists.intern(inbound) };
      byClass.set(signature[v]!, cls);
    }
    vnic.out = cls.out;
    vnic.in = cls.in;
  });
}
