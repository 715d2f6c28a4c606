import { ApiRequestError } from '../client/api-error.js';
import { CliError, EXIT } from './cli-error.js';
import { canonical, comparable, desired, matchesLive } from './compare.js';
import type { CliContext } from './context.js';
import { lineDiff } from './line-diff.js';
import { emit, toYaml, type Format } from './output.js';
import { Progress } from './progress.js';
import type { Json } from './resources.js';
import { label, loadSteps, type Step } from './steps.js';
import { where } from './validate.js';

export type Action = 'create' | 'update' | 'unchanged';

/** SPEC §12: what a dry run says the change would do to live sessions. */
export interface Impact {
  revalidateOnChange: boolean;
  established: {
    flows: number;
    cut: number;
    byHypervisor: { hypervisor: string; flows: number; cut: number }[];
    sample: Record<string, unknown>[];
  };
  flowLog: { entries: number; newlyAllowed: number; newlyDenied: number; sample: Record<string, unknown>[] };
}

export interface Change {
  kind: string;
  tenant: string;
  id: string;
  file: string;
  document: number;
  action: Action;
  before: unknown;
  after: unknown;
  /** an app's objects as its dry run names them */
  objects?: { created: string[]; updated: string[]; deleted: string[] };
  impact: Impact | null;
  /** why the API could not judge this one (it depends on a change before it in the same run) */
  note?: string;
}

const ids = (list: unknown) =>
  Array.isArray(list) ? list.map((x) => `${(x as Json).kind ?? ''}/${(x as Json).id ?? ''}`) : [];

/** One document against the service: locally when it matches, else by the API's own dry run. */
async function judge(ctx: CliContext, step: Step, earlierChanges: boolean): Promise<Change> {
  const { doc, ref } = step;
  const base = { kind: ref.kind, tenant: ref.tenant, id: ref.id, file: doc.file, document: doc.index };
  const live = await ctx.resources.get(ref);
  if (live.value && matchesLive(doc, live.value))
    return { ...base, action: 'unchanged', before: null, after: null, impact: null };
  const before = live.value ? comparable(live.value) : null;
  const after = desired(doc, live.value);
  // no dry run creates a tenant or configures a webhook source; a new tenant has no flows to cut
  if (live.value === null && (live.tenantMissing || ref.kind === 'Tenant'))
    return { ...base, action: 'create', before: null, after, impact: null };
  if (ref.kind === 'WebhookSource')
    return { ...base, action: live.value ? 'update' : 'create', before, after, impact: null };
  let answer: Json;
  try {
    answer = (await ctx.resources.put(ref, doc.body, { dryRun: true })).data as Json;
  } catch (err) {
    if (!(err instanceof ApiRequestError) || !earlierChanges || ![404, 409, 422].includes(err.status))
      throw err;
    return {
      ...base,
      action: live.value ? 'update' : 'create',
      before,
      after,
      impact: null,
      note: `not checked by the API until the changes before it are applied: ${err.describe()}`,
    };
  }
  const impact = (answer.impact as Impact | undefined) ?? null;
  if (ref.kind === 'App') {
    const objects = {
      created: ids(answer.created),
      updated: ids(answer.updated),
      deleted: ids(answer.deleted),
    };
    const n = objects.created.length + objects.updated.length + objects.deleted.length;
    const action = live.value === null ? 'create' : n > 0 ? 'update' : 'unchanged';
    return { ...base, action, before, after, objects, impact };
  }
  const serverBefore =
    answer.before === null || answer.before === undefined ? null : comparable(answer.before as Json);
  const serverAfter = comparable(answer.after as Json);
  const action: Action =
    serverBefore === null
      ? 'create'
      : canonical(serverBefore) === canonical(serverAfter)
        ? 'unchanged'
        : 'update';
  return { ...base, action, before: serverBefore, after: serverAfter, impact };
}

export async function computeChanges(ctx: CliContext, targets: string[], verb: string): Promise<Change[]> {
  const steps = await loadSteps(ctx, targets);
  const progress = new Progress(steps.length, verb, steps.length < 2);
  const out: Change[] = [];
  for (const [i, step] of steps.entries()) {
    progress.step(i + 1, label(step));
    try {
      out.push(
        await judge(
          ctx,
          step,
          out.some((c) => c.action !== 'unchanged'),
        ),
      );
    } catch (err) {
      progress.end();
      if (err instanceof ApiRequestError)
        throw new CliError(`${where(step.doc)}: ${err.describe()}`, EXIT.api);
      throw err;
    }
  }
  progress.end();
  return out;
}

const SIGN: Record<Action, string> = { create: '+', update: '~', unchanged: '=' };

function renderChange(c: Change): string[] {
  const head = `${SIGN[c.action]} ${c.kind}/${c.id} (tenant ${c.tenant}): ${c.action}  [${c.file} document ${c.document}]`;
  const lines = [head];
  if (c.objects)
    for (const [what, list] of Object.entries(c.objects))
      if (list.length) lines.push(`    ${what}: ${list.join(', ')}`);
  if (c.action !== 'unchanged') {
    const body = lineDiff(c.before === null ? '' : toYaml(c.before), toYaml(c.after));
    lines.push(...body.filter((l) => l.trim() !== '').map((l) => `    ${l}`));
  }
  if (c.note) lines.push(`    note: ${c.note}`);
  return lines;
}

function renderImpact(c: Change): string[] {
  const i = c.impact;
  if (!i) return [];
  const e = i.established;
  const lines = [
    `  impact of ${c.kind}/${c.id}: ${e.cut} of ${e.flows} established flow(s) would no longer be allowed` +
      (e.cut
        ? i.revalidateOnChange
          ? ' and are cut when applied (revalidateOnChange is on)'
          : ' (kept until they end: revalidateOnChange is off)'
        : ''),
  ];
  for (const h of e.byHypervisor.filter((x) => x.cut))
    lines.push(`    ${h.hypervisor}: ${h.cut} of ${h.flows}`);
  for (const f of e.sample.slice(0, 10)) {
    const allowed = f.allowedBy as { policy: string; rule: string } | null;
    const now = f.now as { action: string; policy: string | null; rule: string | null; reason: string };
    lines.push(
      `    ${f.hypervisor} ${f.vnic} proto ${f.proto} ${f.src}:${f.sport} -> ${f.dst}:${f.dport} ${f.state}` +
        ` allowed by ${allowed ? `${allowed.policy}/${allowed.rule}` : '?'}, now ${now.action}` +
        ` (${now.rule ? `${now.policy}/${now.rule}` : now.reason})`,
    );
  }
  const l = i.flowLog;
  if (l.newlyAllowed || l.newlyDenied)
    lines.push(
      `    flow log: of ${l.entries} recent entries, ${l.newlyDenied} would now be denied, ${l.newlyAllowed} allowed`,
    );
  return lines;
}

export const changed = (changes: Change[]) => changes.filter((c) => c.action !== 'unchanged');

export function summary(changes: Change[]): string {
  const n = changed(changes);
  if (n.length === 0) return `no changes: all ${changes.length} document(s) match the service`;
  const count = (a: Action) => n.filter((c) => c.action === a).length;
  return `${n.length} of ${changes.length} document(s) would change: ${count('create')} to create, ${count('update')} to update`;
}

export function printChanges(format: Format, changes: Change[], withImpact: boolean): void {
  const shown = changed(changes);
  emit(format, { changes: shown, unchanged: changes.length - shown.length }, () =>
    [
      ...shown.flatMap((c) => [...renderChange(c), ...(withImpact ? renderImpact(c) : [])]),
      summary(changes),
    ].join('\n'),
  );
}
