/** Names of the rule behind a handle. */
export interface RuleRef {
  tenant: string;
  policy: string;
  rule: string;
}

/** Handles stay below bit 31, which the flow's rule word uses for the opening direction. */
const MAX_HANDLES = 0x7fffffff;

/**
 * Small integers interned per (tenant, policy, rule id) for the life of the data plane, so counters
 * and flows keep naming the same rule across recompiles.
 */
export class RuleHandles {
  #byKey = new Map<string, number>();
  #refs: RuleRef[] = [];

  get size(): number {
    return this.#refs.length;
  }

  intern(tenant: string, policy: string, rule: string): number {
    const key = keyOf(tenant, policy, rule);
    let handle = this.#byKey.get(key);
    if (handle === undefined) {
      if (this.#refs.length >= MAX_HANDLES) throw new RangeError('rule handle space exhausted');
      handle = this.#refs.push(Object.freeze({ tenant, policy, rule })) - 1;
      this.#byKey.set(key, handle);
    }
    return handle;
  }

  ref(handle: number): RuleRef | undefined {
    return this.#refs[handle];
  }

  /** Handles of one tenant, in handle order. */
  ofTenant(tenant: string): number[] {
    const out: number[] = [];
    this.#refs.forEach((ref, handle) => {
      if (ref.tenant === tenant) out.push(handle);
    });
    return out;
  }

  /** Every handle's names, in handle order (for persistence). */
  list(): readonly RuleRef[] {
    return this.#refs;
  }

  /**
   * Restores a persisted handle table. Handles already interned must name the same rules as the
   * table does (restore before the first applyRuleSet to be safe): flows store handles, so
   * renumbering is not possible.
   */
  restore(refs: readonly RuleRef[]): void {
    this.#refs.forEach((ref, handle) => {
      const saved = refs[handle];
      if (
        !saved ||
        keyOf(saved.tenant, saved.policy, saved.rule) !== keyOf(ref.tenant, ref.policy, ref.rule)
      ) {
        throw new Error(
          `rule handle ${handle} already names ${ref.tenant}/${ref.policy}/${ref.rule}; ` +
            'import counters before applying rule sets',
        );
      }
    });
    for (let handle = this.#refs.length; handle < refs.length; handle++) {
      const { tenant, policy, rule } = refs[handle]!;
      const key = keyOf(tenant, policy, rule);
      if (this.#byKey.has(key))
        throw new Error(`rule ${tenant}/${policy}/${rule} appears twice in the table`);
      this.#refs.push(Object.freeze({ tenant, policy, rule }));
      this.#byKey.set(key, handle);
    }
  }
}

function keyOf(tenant: string, policy: string, rule: string): string {
  return `${tenant}\u0000${policy}\u0000${rule}`;
}
