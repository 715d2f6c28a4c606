import { ID_PATTERN } from '../api/schemas/common.js';
import { CliError } from './cli-error.js';
import type { SourceDocument } from './documents.js';
import { BODY_SCHEMAS, KINDS, WEBHOOK_KINDS, type Kind } from './kinds.js';

/** A document that passed local validation: the API body it carries, and that body as the API will read it. */
export interface Doc {
  file: string;
  index: number;
  kind: Kind;
  id: string;
  /** the `tenant` key; null: resolved later (OMNIWALL_TENANT, the token's tenant) */
  tenant: string | null;
  /** the document without kind, id and tenant: sent as the request body */
  body: Record<string, unknown>;
  /** `body` parsed by the API's own schema, defaults filled in */
  parsed: Record<string, unknown>;
}

/** Where a document is, for every message about it: `policies.yaml document 2 (Policy/web)`. */
export function where(d: { file: string; index: number; kind?: string; id?: string }): string {
  const what = d.kind && d.id ? ` (${d.kind}/${d.id})` : '';
  return `${d.file} document ${d.index}${what}`;
}

const fieldPath = (path: readonly PropertyKey[]) =>
  path.reduce<string>(
    (s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)),
    '',
  );

function check(doc: SourceDocument): { doc?: Doc; problems: string[] } {
  const at = where(doc);
  const v = doc.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { problems: [`${at}: must be a mapping with kind and id`] };
  const { kind, id, tenant, ...body } = v as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind))
    problems.push(
      `${at}: kind: must be one of ${KINDS.join(', ')}${kind === undefined ? '' : ` (got ${JSON.stringify(kind)})`}`,
    );
  if (typeof id !== 'string' || !ID_PATTERN.test(id))
    problems.push(
      `${at}: id: must be a string matching ${ID_PATTERN.source}${id === undefined ? ' (missing)' : ''}`,
    );
  if (tenant !== undefined && (typeof tenant !== 'string' || !ID_PATTERN.test(tenant)))
    problems.push(`${at}: tenant: must be a tenant id`);
  if (problems.length) return { problems };
  const k = kind as Kind;
  const named = where({ ...doc, kind: k, id: id as string });
  if (k === 'WebhookSource' && !(WEBHOOK_KINDS as readonly string[]).includes(id as string))
    problems.push(`${named}: id: a WebhookSource id is its kind, one of ${WEBHOOK_KINDS.join(', ')}`);
  if (k === 'Tenant' && tenant !== undefined && tenant !== id)
    problems.push(`${named}: tenant: a Tenant document is its own tenant; leave tenant out`);
  const result = BODY_SCHEMAS[k].safeParse(body);
  if (!result.success)
    for (const issue of result.error.issues)
      problems.push(`${named}: ${fieldPath(issue.path) || '(document)'}: ${issue.message}`);
  if (problems.length) return { problems };
  return {
    problems,
    doc: {
      file: doc.file,
      index: doc.index,
      kind: k,
      id: id as string,
      tenant: k === 'Tenant' ? (id as string) : ((tenant as string | undefined) ?? null),
      body,
      parsed: result.data as Record<string, unknown>,
    },
  };
}

/** Every document checked before anything is sent: one bad document and nothing is applied. */
export function validateDocuments(sources: SourceDocument[]): Doc[] {
  const docs: Doc[] = [];
  const problems: string[] = [];
  for (const s of sources) {
    const out = check(s);
    problems.push(...out.problems);
    if (out.doc) docs.push(out.doc);
  }
  const seen = new Map<string, Doc>();
  for (const d of docs) {
    const key = `${d.tenant ?? ''}/${d.kind}/${d.id}`;
    const first = seen.get(key);
    if (first) problems.push(`${where(d)}: ${d.kind} "${d.id}" is already defined by ${where(first)}`);
    else seen.set(key, d);
  }
  if (problems.length) {
    const shown = problems.slice(0, 50);
    const more = problems.length > shown.length ? `\n... and ${problems.length - shown.length} more` : '';
    throw new CliError(`invalid documents, nothing applied:\n  ${shown.join('\n  ')}${more}`);
  }
  return docs;
}
