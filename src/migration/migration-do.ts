import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.js';
import { openDb } from '../store/db.js';
import { insertMigration, saveMigrationProgress, type MigrationRecord } from '../store/migrations.js';
import { MigrationAbort, runStep, STEPS, type MigrationPlan, type Step } from './migration-steps.js';

const RETRY_MS = 1000;

interface Active {
  plan: MigrationPlan;
  record: MigrationRecord;
}

export type StartOutcome = { ok: true; record: MigrationRecord } | { ok: false; activeId: string };

/**
 * One per workload: runs that workload's migrations one at a time. The step reached is stored before
 * and after each step, and an alarm resumes a migration that a crash or a failure interrupted.
 */
export class MigrationDO extends DurableObject<Env> {
  #active: Active | null = null;
  #running: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#active = (await ctx.storage.get<Active>('active')) ?? null;
    });
  }

  async start(plan: MigrationPlan): Promise<StartOutcome> {
    const current = this.#active;
    if (current && current.plan.id !== plan.id && current.record.state === 'running')
      return { ok: false, activeId: current.plan.id };
    if (current?.plan.id === plan.id) {
      if (current.record.state === 'running') await this.#drive();
      return { ok: true, record: { ...this.#active!.record } };
    }
    const record: MigrationRecord = {
      id: plan.id,
      tenant: plan.tenant,
      workload: plan.workload,
      from: plan.from,
      to: plan.to,
      state: 'running',
      step: STEPS[0],
      flowsMoved: 0,
      error: null,
    };
    this.#active = { plan, record };
    await this.ctx.storage.put('active', this.#active);
    await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    await insertMigration(openDb(this.env.DB), record);
    await this.#drive();
    return { ok: true, record: { ...this.#active.record } };
  }

  override async alarm(): Promise<void> {
    if (this.#active?.record.state === 'running') await this.#drive();
  }

  /** Test hook (TEST_HOOKS=on): the next run of `step` fails once, after doing its work. */
  async injectFault(step: Step): Promise<void> {
    if (this.env.TEST_HOOKS !== 'on') throw new Error('test hooks are off');
    await this.ctx.storage.put('fault', step);
  }

  async #drive(): Promise<void> {
    this.#running ??= this.#advance().finally(() => (this.#running = null));
    await this.#running;
  }

  async #advance(): Promise<void> {
    const active = this.#active!;
    const { plan, record } = active;
    const db = openDb(this.env.DB);
    try {
      while (record.step) {
        const step = record.step as Step;
        const out = await runStep(this.env, plan, step);
        if (out.flowsMoved !== undefined) record.flowsMoved = out.flowsMoved;
        if ((await this.ctx.storage.get<string>('fault')) === step) {
          await this.ctx.storage.delete('fault');
          throw new Error(`injected fault after ${step}`);
        }
        record.step = STEPS[STEPS.indexOf(step) + 1] ?? null;
        if (!record.step) record.state = 'done';
        record.error = null;
        await this.ctx.storage.put('active', active);
        await saveMigrationProgress(db, record);
      }
      await this.ctx.storage.deleteAlarm();
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
      if (err instanceof MigrationAbort) record.state = 'failed';
      await this.ctx.storage.put('active', active);
      await saveMigrationProgress(db, record).catch(() => undefined);
      if (record.state === 'running') await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
      else await this.ctx.storage.deleteAlarm();
    }
  }
}
