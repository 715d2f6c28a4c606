import { CliError } from './cli-error.js';
import type { CliContext } from './context.js';
import { loadDocuments } from './documents.js';
import { APPLY_ORDER } from './kinds.js';
import type { Ref } from './resources.js';
import { validateDocuments, where, type Doc } from './validate.js';

export interface Step {
  doc: Doc;
  ref: Ref;
}

/**
 * The documents under `targets`, validated, each with its tenant, in an order every reference is satisfied
 * in: tenants, services, workloads, groups, policies, apps, webhook sources (file order within a kind).
 */
export async function loadSteps(ctx: CliContext, targets: string[]): Promise<Step[]> {
  const docs = validateDocuments(loadDocuments(targets));
  const tenants = docs.filter((d) => d.kind === 'Tenant');
  let fallback: string | null = ctx.envTenant;
  if (!fallback && docs.some((d) => d.tenant === null)) {
    fallback = await ctx.tokenTenant();
    // an admin's token has no tenant: the files' only Tenant document is the next best answer
    if (!fallback && tenants.length === 1) fallback = tenants[0]!.id;
  }
  const steps: Step[] = [];
  const unresolved: string[] = [];
  for (const doc of docs) {
    const tenant = doc.tenant ?? fallback;
    if (tenant === null) unresolved.push(where(doc));
    else steps.push({ doc, ref: { kind: doc.kind, tenant, id: doc.id } });
  }
  if (unresolved.length)
    throw new CliError(
      `which tenant? no tenant key, no OMNIWALL_TENANT, and the token is not scoped to one tenant:\n  ${unresolved.join('\n  ')}`,
    );
  const seen = new Map<string, Step>();
  for (const s of steps) {
    const key = `${s.ref.tenant}/${s.ref.kind}/${s.ref.id}`;
    const first = seen.get(key);
    if (first) throw new CliError(`${where(s.doc)}: ${key} is already defined by ${where(first.doc)}`);
    seen.set(key, s);
  }
  return steps
    .map((s, i) => ({ s, i }))
    .sort((x, y) => APPLY_ORDER[x.s.ref.kind] - APPLY_ORDER[y.s.ref.kind] || x.i - y.i)
    .map(({ s }) => s);
}

export const label = (s: Step) => `${s.ref.kind}/${s.ref.id}`;
