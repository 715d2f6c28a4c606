import { createHash } from 'node:crypto';
import type { Json } from './resources.js';
import type { Doc } from './validate.js';

/** JSON with object keys sorted and undefined left out: two equal documents give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortKeys(x);
  }
  return out;
}

/** Fields the API adds or keeps itself: never part of what a document asks for. */
const READ_ONLY = new Set(['id', 'revision', 'kind', 'owns']);

function writable(v: Json): Json {
  return Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.has(k)));
}

const fingerprint = (secret: string) => createHash('sha256').update(secret).digest('hex').slice(0, 12);

/** The document as the API would store it, in the shape its GET answers. */
function expected(doc: Doc, live: Json): Json {
  const p = doc.parsed;
  switch (doc.kind) {
    case 'Workload': {
      const vnics = (p.vnics as { id: string; mac?: string; ips: string[] }[]).map((v) => ({
        ...v,
        ...(v.mac ? { mac: v.mac.toLowerCase() } : {}),
        ips: [...v.ips].sort(),
      }));
      return { ...p, name: p.name ?? doc.id, vnics, tags: [...new Set(p.tags as string[])] };
    }
    case 'Tenant': {
      // a Tenant document is a patch: the settings it names are set, the others stay as they are
      const liveSettings = (live.settings ?? {}) as Json;
      const settings = (p.settings ?? {}) as Json;
      return {
        name: p.name ?? live.name,
        settings: {
          ...liveSettings,
          ...settings,
          timeouts: { ...(liveSettings.timeouts as Json), ...(settings.timeouts as Json) },
        },
      };
    }
    case 'WebhookSource':
      return {
        ...p,
        secrets: (p.secrets as (string | Json)[]).map((s) =>
          typeof s === 'string' ? { fingerprint: fingerprint(s) } : s,
        ),
      };
    default:
      return p;
  }
}

/** What GET answers, in the shape a document is compared in. */
export function comparable(live: Json): Json {
  return writable(live);
}

/** True when applying the document would leave the live object as it is. */
export function matchesLive(doc: Doc, live: Json): boolean {
  return canonical(writable(expected(doc, live))) === canonical(comparable(live));
}

/** The desired object, for showing a diff against `comparable(live)`. */
export function desired(doc: Doc, live: Json | null): Json {
  return writable(expected(doc, live ?? {}));
}
