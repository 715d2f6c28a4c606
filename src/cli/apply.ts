import { ApiRequestError } from '../client/api-error.js';
import { CliError, EXIT } from './cli-error.js';
import { canonical, comparable, matchesLive } from './compare.js';
import type { CliContext } from './context.js';
import { emit, table, type Format } from './output.js';
import { Progress } from './progress.js';
import type { Json } from './resources.js';
import { label, loadSteps, type Step } from './steps.js';
import { where } from './validate.js';

export type Outcome = 'created' | 'updated' | 'unchanged';

interface Applied {
  kind: string;
  tenant: string;
  id: string;
  outcome: Outcome;
}

/** What a write changed, read from its answer against the object as it was before. */
function outcomeOf(step: Step, before: Json | null, status: number, answer: unknown): Outcome {
  if (before === null || status === 201) return 'created';
  if (step.ref.kind === 'App') {
    const d = answer as { created?: unknown[]; updated?: unknown[]; deleted?: unknown[] };
    const n = (d.created?.length ?? 0) + (d.updated?.length ?? 0) + (d.deleted?.length ?? 0);
    return n > 0 ? 'updated' : 'unchanged';
  }
  const same = canonical(comparable(answer as Json)) === canonical(comparable(before));
  return same ? 'unchanged' : 'updated';
}

async function applyStep(ctx: CliContext, step: Step): Promise<Outcome> {
  const { resources } = ctx;
  const live = await resources.get(step.ref);
  if (live.value && matchesLive(step.doc, live.value)) return 'unchanged';
  if (step.ref.kind === 'Tenant' && live.value === null) {
    if (typeof step.doc.body.name !== 'string')
      throw new CliError(`${where(step.doc)}: name: required to create tenant "${step.ref.id}"`);
    await resources.put(step.ref, step.doc.body, { create: true });
    return 'created';
  }
  const { data, response } = await resources.put(step.ref, step.doc.body);
  return outcomeOf(step, live.value, response.status, data);
}

export async function applyCommand(ctx: CliContext, targets: string[], format: Format): Promise<void> {
  const steps = await loadSteps(ctx, targets);
  const progress = new Progress(steps.length, 'applying', steps.length < 2);
  const done: Applied[] = [];
  for (const [i, step] of steps.entries()) {
    progress.step(i + 1, label(step));
    let outcome: Outcome;
    try {
      outcome = await applyStep(ctx, step);
    } catch (err) {
      progress.end();
      if (!(err instanceof ApiRequestError)) throw err;
      const before = done.filter((d) => d.outcome !== 'unchanged').length;
      throw new CliError(
        `${where(step.doc)}: ${err.describe()}\n` +
          `stopped at ${i + 1}/${steps.length}; ${before} change(s) before it were applied, the rest were not sent`,
        EXIT.api,
      );
    }
    done.push({ kind: step.ref.kind, tenant: step.ref.tenant, id: step.ref.id, outcome });
  }
  progress.end();
  const changed = done.filter((d) => d.outcome !== 'unchanged');
  const summary =
    changed.length === 0
      ? `nothing changed: all ${done.length} document(s) are applied already`
      : `${changed.length} of ${done.length} document(s) changed: ` +
        `${changed.filter((d) => d.outcome === 'created').length} created, ` +
        `${changed.filter((d) => d.outcome === 'updated').length} updated`;
  emit(format, { changed: changed.length, documents: done }, () =>
    [
      table(
        ['KIND', 'TENANT', 'ID', 'RESULT'],
        done.map((d) => [d.kind, d.tenant, d.id, d.outcome]),
      ),
      summary,
    ].join('\n'),
  );
}
