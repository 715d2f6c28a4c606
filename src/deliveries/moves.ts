import { migrationOf, type Env } from '../env.js';
import { sha256Hex } from '../inventory/signatures/constant-time.js';
import type { Db } from '../store/db.js';
import { vnicsOfWorkload } from '../store/workloads.js';

export interface Move {
  workload: string;
  from: string;
  to: string;
}

/** A migration id derived from the delivery, so that a redelivery never moves the workload twice. */
export async function migrationIdOf(dedupKey: string, workload: string): Promise<string> {
  return `m-wh-${(await sha256Hex(new TextEncoder().encode(`${dedupKey}/${workload}`))).slice(0, 24)}`;
}

/** A host change is a migration (SPEC §5), which moves the workload's flows and then the workload. */
export async function startMove(env: Env, db: Db, t: string, m: Move, dedupKey: string): Promise<string> {
  const vnics = (await vnicsOfWorkload(db, t, m.workload)).map((v) => ({
    handle: v.handle,
    id: v.id,
    tenant: t,
  }));
  const id = await migrationIdOf(dedupKey, m.workload);
  const out = await migrationOf(env, t, m.workload).start({
    id,
    tenant: t,
    workload: m.workload,
    from: m.from,
    to: m.to,
    vnics,
  });
  return out.ok
    ? `migration ${id} moves ${m.workload} to ${m.to}`
    : `${m.workload} is already being moved by migration ${out.activeId}`;
}
