import { unwrap } from '../client/api-error.js';
import { CliError } from './cli-error.js';
import { commandTenant, type CliContext } from './context.js';
import { kindOf, KINDS, type Kind } from './kinds.js';
import { emit, table, type Format } from './output.js';
import type { Json } from './resources.js';

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map(str).join(',') : '');
const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** One table row per object, by kind: the fields an operator scans for. */
const COLUMNS: Record<Kind, { headers: string[]; row: (o: Json) => unknown[] }> = {
  Tenant: {
    headers: ['ID', 'NAME', 'REVISION', 'DEFAULT', 'SPOOFGUARD'],
    row: (o) => [
      o.id,
      o.name,
      o.revision,
      (o.settings as Json)?.defaultAction,
      (o.settings as Json)?.spoofGuard,
    ],
  },
  Workload: {
    headers: ['ID', 'NAME', 'HYPERVISOR', 'ADDRESSES', 'TAGS'],
    row: (o) => [
      o.id,
      o.name,
      o.hypervisor,
      ((o.vnics as Json[]) ?? []).flatMap((v) => (v.ips as string[]) ?? []).join(','),
      list(o.tags),
    ],
  },
  Group: {
    headers: ['ID', 'NAME', 'STATIC', 'CRITERIA', 'APP'],
    row: (o) => {
      const m = (o.members ?? {}) as Json;
      const n = count(m.workloads) + count(m.vnics) + count(m.cidrs) + count(m.groups);
      return [o.id, o.name, n, o.criteria ? JSON.stringify(o.criteria) : '', o.app];
    },
  },
  Service: {
    headers: ['ID', 'NAME', 'ENTRIES', 'APP'],
    row: (o) => [
      o.id,
      o.name,
      ((o.entries as Json[]) ?? [])
        .map((e) => `${str(e.proto)}${e.ports ? `/${str(e.ports)}` : ''}`)
        .join(','),
      o.app,
    ],
  },
  Policy: {
    headers: ['ID', 'CATEGORY', 'PRIORITY', 'RULES', 'APPLIED-TO', 'APP'],
    row: (o) => [o.id, o.category, o.priority, count(o.rules), list(o.appliedTo), o.app],
  },
  App: {
    headers: ['ID', 'GROUPS', 'SERVICES', 'POLICIES'],
    row: (o) => {
      const owns = (o.owns ?? {}) as Json;
      return [o.id, list(owns.groups), list(owns.services), list(owns.policies)];
    },
  },
  WebhookSource: {
    headers: ['KIND', 'ENABLED', 'SECRETS', 'HOSTS'],
    row: (o) => [o.kind, o.enabled, count(o.secrets), Object.keys((o.hypervisors ?? {}) as Json).length],
  },
};

export function parseKind(name: string): Kind {
  const k = kindOf(name);
  if (!k) throw new CliError(`unknown kind "${name}": one of ${KINDS.join(', ')}`);
  return k;
}

export async function getCommand(
  ctx: CliContext,
  kindName: string,
  id: string | undefined,
  opts: { tenant?: string; format: Format },
) {
  const kind = parseKind(kindName);
  const tenant = kind === 'Tenant' ? (id ?? '') : await commandTenant(ctx, opts.tenant);
  const cols = COLUMNS[kind];
  if (id === undefined) {
    const items = await ctx.resources.list(kind, tenant);
    emit(opts.format, { items }, () =>
      table(
        cols.headers,
        items.map((o) => cols.row(o).map(str)),
      ),
    );
    return;
  }
  const found = await ctx.resources.get({ kind, tenant, id });
  if (!found.value)
    throw new CliError(
      found.tenantMissing
        ? `tenant "${tenant}" does not exist`
        : `${kind} "${id}" does not exist in tenant ${tenant}`,
      4,
    );
  const value = found.value;
  emit(opts.format, value, () => table(cols.headers, [cols.row(value).map(str)]));
}

export async function deleteCommand(
  ctx: CliContext,
  kindName: string,
  id: string,
  opts: { tenant?: string; dryRun?: boolean; format: Format },
) {
  const kind = parseKind(kindName);
  if (kind === 'Tenant') throw new CliError('tenants cannot be deleted through the API');
  const tenant = await commandTenant(ctx, opts.tenant);
  const { data } = await ctx.resources.remove({ kind, tenant, id }, opts.dryRun);
  const message = opts.dryRun ? `${kind}/${id} would be deleted (dry run)` : `${kind}/${id} deleted`;
  emit(opts.format, opts.dryRun ? data : { kind, tenant, id, deleted: true }, () => {
    const impact = (data as Json | undefined)?.impact as
      { established?: { cut?: number; flows?: number } } | undefined;
    const cut = impact?.established;
    return cut
      ? `${message}\n  ${cut.cut} of ${cut.flows} established flow(s) would no longer be allowed`
      : message;
  });
}

/** explain: an endpoint is `workload:ID`, `vnic:ID`, `ip:ADDR`, or a bare address or workload id. */
export function endpoint(
  text: string,
  flag: string,
): { workload: string } | { vnic: string } | { ip: string } {
  const m = /^(workload|vnic|ip):(.+)$/.exec(text);
  if (m) return { [m[1]!]: m[2]! } as { workload: string };
  if (/^[0-9.]+$/.test(text) || text.includes(':')) return { ip: text };
  if (!text) throw new CliError(`${flag}: empty endpoint`);
  return { workload: text };
}

const intFlag = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${flag}: "${v}" is not a non-negative integer`);
  return n;
};

export interface ExplainFlags {
  from: string;
  to: string;
  proto: string;
  port?: string;
  sport?: string;
  icmpType?: string;
  icmpCode?: string;
  tenant?: string;
  format: Format;
}

export async function explainCommand(ctx: CliContext, f: ExplainFlags) {
  const t = await commandTenant(ctx, f.tenant);
  const proto = /^\d+$/.test(f.proto) ? Number(f.proto) : (f.proto as 'tcp');
  const body = {
    src: endpoint(f.from, '--from'),
    dst: endpoint(f.to, '--to'),
    proto,
    ...(f.port !== undefined ? { dport: intFlag(f.port, '--port') } : {}),
    ...(f.sport !== undefined ? { sport: intFlag(f.sport, '--sport') } : {}),
    ...(f.icmpType !== undefined ? { icmpType: intFlag(f.icmpType, '--icmp-type') } : {}),
    ...(f.icmpCode !== undefined ? { icmpCode: intFlag(f.icmpCode, '--icmp-code') } : {}),
  };
  const { data } = await unwrap(
    ctx.resources.api.POST('/v1/tenants/{t}/explain', { params: { path: { t } }, body: body as never }),
    ctx.url,
  );
  const x = data as unknown as {
    verdict: string;
    packet: Json;
    hops: {
      hypervisor: string;
      vnic: string;
      direction: string;
      desiredRevision: number;
      realizedRevision: number | null;
      drift: boolean;
      decision: { action: string; reason: string; rule: string | null; policy: string | null };
      evaluated: { policy: string; rule: string; outcome: string; field: string | null; why: string }[];
    }[];
  };
  emit(f.format, x, () => {
    const p = x.packet;
    const lines = [
      `verdict: ${x.verdict}  (${str(p.src)}:${str(p.sport)} -> ${str(p.dst)}:${str(p.dport)} proto ${str(p.proto)})`,
    ];
    if (x.hops.length === 0) lines.push('  no enforcement point: neither address is a vNIC of this tenant');
    for (const h of x.hops) {
      const d = h.decision;
      lines.push(
        `hop ${h.hypervisor} ${h.vnic} ${h.direction}: ${d.action} by ${d.rule ? `${str(d.policy)}/${d.rule}` : d.reason}` +
          ` (reason ${d.reason}; revision ${str(h.realizedRevision)}${h.drift ? `, desired ${h.desiredRevision}: DRIFT` : ''})`,
      );
      for (const e of h.evaluated)
        lines.push(`    ${e.policy}/${e.rule}: ${e.outcome}${e.field ? ` on ${e.field}` : ''}: ${e.why}`);
    }
    return lines.join('\n');
  });
}

export async function analyzeCommand(
  ctx: CliContext,
  opts: { tenant?: string; format: Format; kind?: string },
) {
  const t = await commandTenant(ctx, opts.tenant);
  const { data } = await unwrap(
    ctx.resources.api.GET('/v1/tenants/{t}/analysis', { params: { path: { t }, query: {} } }),
    ctx.url,
  );
  const a = data as unknown as {
    revision: number;
    lists: number;
    rules: number;
    findings: { kind: string; rule: { policy: string; rule: string }; message: string; exact: boolean }[];
  };
  const findings = opts.kind ? a.findings.filter((x) => x.kind === opts.kind) : a.findings;
  emit(opts.format, { ...a, findings }, () =>
    [
      table(
        ['KIND', 'RULE', 'MESSAGE'],
        findings.map((x) => [x.kind + (x.exact ? '' : '?'), `${x.rule.policy}/${x.rule.rule}`, x.message]),
      ),
      `${findings.length} finding(s) at revision ${a.revision} over ${a.rules} rule(s) in ${a.lists} rule list(s)`,
    ].join('\n'),
  );
}

export async function statusCommand(ctx: CliContext, opts: { tenant?: string; format: Format }) {
  const t = await commandTenant(ctx, opts.tenant);
  const api = ctx.resources.api;
  const { data } = await unwrap(api.GET('/v1/tenants/{t}/realization', { params: { path: { t } } }), ctx.url);
  const r = data as unknown as {
    desiredRevision: number;
    realizedRevision: number;
    hypervisors: string[];
    error: string | null;
    unrealizableRevision: number | null;
  };
  // per hypervisor needs an admin or auditor token; an editor sees the tenant's summary only
  const hypervisors = await Promise.all(
    r.hypervisors.map(async (h) => {
      const out = await api.GET('/v1/hypervisors/{h}/status', { params: { path: { h } } });
      if (!out.response.ok) return { hypervisor: h, realizedRevision: null, rules: null, flows: null };
      const s = out.data as unknown as {
        tenants: { tenant: string; realizedRevision: number | null; rules: number; flows: number }[];
      };
      const mine = s.tenants.find((x) => x.tenant === t);
      return {
        hypervisor: h,
        realizedRevision: mine?.realizedRevision ?? null,
        rules: mine?.rules ?? 0,
        flows: mine?.flows ?? 0,
      };
    }),
  );
  const inSync = r.realizedRevision === r.desiredRevision && !r.error;
  emit(opts.format, { tenant: t, ...r, inSync, byHypervisor: hypervisors }, () =>
    [
      `tenant ${t}: desired revision ${r.desiredRevision}, realized ${r.realizedRevision}: ${inSync ? 'in sync' : 'DRIFT'}` +
        (r.error ? `\n  last error: ${r.error}` : '') +
        (r.unrealizableRevision ? `\n  revision ${r.unrealizableRevision} does not compile` : ''),
      table(
        ['HYPERVISOR', 'REALIZED', 'STATE', 'RULES', 'FLOWS'],
        hypervisors.map((h) => [
          h.hypervisor,
          str(h.realizedRevision),
          h.realizedRevision === null ? '?' : h.realizedRevision === r.desiredRevision ? 'in sync' : 'behind',
          str(h.rules),
          str(h.flows),
        ]),
      ),
    ].join('\n'),
  );
}

export async function auditCommand(
  ctx: CliContext,
  opts: { tenant?: string; format: Format; object?: string; actor?: string; since?: string; limit?: string },
) {
  const t = await commandTenant(ctx, opts.tenant);
  const limit = opts.limit === undefined ? 20 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError('--limit: 1 to 1000');
  const query = {
    limit,
    ...(opts.object ? { object: opts.object } : {}),
    ...(opts.actor ? { actor: opts.actor } : {}),
    ...(opts.since ? { since: opts.since } : {}),
  };
  const { data } = await unwrap(
    api(ctx).GET('/v1/tenants/{t}/audit', { params: { path: { t }, query } }),
    ctx.url,
  );
  const items = (data as unknown as { items: Json[] }).items;
  emit(opts.format, { items }, () =>
    table(
      ['SEQ', 'AT', 'REVISION', 'ACTOR', 'ACTION', 'OBJECT', 'SUMMARY'],
      items.map((e) => {
        const o = (e.object ?? {}) as Json;
        return [
          e.seq,
          e.at,
          e.revision,
          e.actor,
          e.action,
          `${str(o.kind)}/${str(o.id)}`,
          summaryText(e.summary),
        ].map(str);
      }),
    ),
  );
}

const api = (ctx: CliContext) => ctx.resources.api;

function summaryText(s: unknown): string {
  if (typeof s === 'string') return s;
  if (s === null || s === undefined) return '';
  return JSON.stringify(s).slice(0, 120);
}
