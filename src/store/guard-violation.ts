/** A write refused by a database trigger (migrations/0004_hypervisor_guards.sql): nothing of it was applied. */
export class GuardViolation extends Error {
  constructor(readonly guard: 'unknown-hypervisor' | 'hypervisor-in-use') {
    super(guard);
  }
}

/** The guard a failed D1 statement or batch ran into, if any. */
export function guardViolationOf(err: unknown): GuardViolation | null {
  const m = /omniwall:(unknown-hypervisor|hypervisor-in-use)/.exec(String(err));
  return m ? new GuardViolation(m[1] as GuardViolation['guard']) : null;
}
