import { classBenchRules } from '../test/classbench-policy.js';
/**
 * Large-policy benchmark: one policy of 20,000 rules (ClassBench acl3_10k lines, repeated under fresh ids)
 * through the HTTP API of `wrangler dev`, on hypervisors each hosting one workload of the tenant. Reports
 * the write (PUT with `Prefer: respond-async`: validate, commit, audit) and the realization after it (until
 * every hypervisor's status shows the revision), for the create and for an update of one rule; the same
 * update answered only once realized; reading the policy back; the audit entry's size against the policy's.
 * Run: npx tsx bench/large-policy.bench.ts
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, isMain, sleep, startDevServer, type DevServer } from './wrangler-dev.js';

const TENANT = 'big';
const RULES = 20_000;
const HYPERVISORS = 4;
const REALIZE_TIMEOUT_MS = 120_000;
const ASYNC = { prefer: 'respond-async' };

function rulesOf(n: number) {
  return classBenchRules(
    readFileSync(path.resolve(import.meta.dirname, '../../shared/classbench/acl3_10k'), 'utf8'),
    n,
  );
}

interface HvStatus {
  tenants: { tenant: string; desiredRevision: number; realizedRevision: number | null }[];
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Polls every hypervisor until each enforces `revision`; ms, or NaN on timeout. */
async function waitRealized(client: Client, admin: string, hypervisors: string[], revision: number) {
  const t0 = performance.now();
  const pending = new Set(hypervisors);
  while (performance.now() - t0 < REALIZE_TIMEOUT_MS) {
    await Promise.all(
      [...pending].map(async (h) => {
        const r = await client
          .call<HvStatus>('status', 'GET', `/v1/hypervisors/${h}/status`, admin)
          .catch(() => null);
        const t = r?.status === 200 ? r.body.tenants.find((x) => x.tenant === TENANT) : undefined;
        if (t && (t.realizedRevision ?? 0) >= revision) pending.delete(h);
      }),
    );
    if (pending.size === 0) return performance.now() - t0;
    await sleep(100);
  }
  return NaN;
}

export async function run(shared?: DevServer): Promise<Record<string, number>> {
  const server = shared ?? (await startDevServer('large-policy'));
  const client = new Client(server.base);
  const admin = server.adminToken;
  try {
    const base = `/v1/tenants/${TENANT}`;
    const hypervisors = Array.from({ length: HYPERVISORS }, (_, i) => `lp-hv-${i}`);
    await client.ok('setup', 'POST', '/v1/tenants', admin, { id: TENANT, name: 'Large policy bench' });
    for (const [i, h] of hypervisors.entries()) {
      await client.ok('setup', 'PUT', `/v1/hypervisors/${h}`, admin, { name: h });
      await client.ok('setup', 'PUT', `${base}/workloads/w${i}`, admin, {
        hypervisor: h,
        vnics: [{ id: `w${i}-eth0`, ips: [`10.255.0.${i + 1}`] }],
      });
    }
    const rules = rulesOf(RULES);
    const body = { category: 'application', priority: 1, stateful: false, rules };
    const bodyBytes = Buffer.byteLength(JSON.stringify(body));
    const policy = `${base}/policies/acl`;
    const revisionOf = (headers: Headers) => Number(headers.get('etag')?.replace(/\D/g, ''));

    const create = await timed(() => client.call('create', 'PUT', policy, admin, body, ASYNC));
    if (create.value.status !== 201) throw new Error(`create → ${create.value.status}`);
    const createRealizeMs = await waitRealized(client, admin, hypervisors, revisionOf(create.value.headers));

    const oneRule = (action: string) => ({
      ...body,
      rules: rules.map((r, i) => (i === 0 ? { ...r, action } : r)),
    });
    const update = await timed(() => client.call('update', 'PUT', policy, admin, oneRule('drop'), ASYNC));
    if (update.value.status !== 200) throw new Error(`update → ${update.value.status}`);
    const updateRealizeMs = await waitRealized(client, admin, hypervisors, revisionOf(update.value.headers));

    const syncUpdate = await timed(() => client.call('update', 'PUT', policy, admin, oneRule('reject')));
    if (syncUpdate.value.headers.get('omniwall-realization') !== 'realized')
      throw new Error(`synchronous update → ${syncUpdate.value.status}, not realized`);

    const read = await timed(() => client.call<{ rules: unknown[] }>('read', 'GET', policy, admin));
    if (read.value.body.rules.length !== RULES) throw new Error(`read ${read.value.body.rules.length} rules`);

    const audit = await client.ok<{ items: { documents: { after: { bytes: number } } }[] }>(
      'audit',
      'GET',
      `${base}/audit?object=policy/acl&limit=1`,
      admin,
    );
    const entryBytes = Buffer.byteLength(JSON.stringify(audit.items[0]));

    const remove = await timed(() => client.call('delete', 'DELETE', policy, admin));
    if (remove.value.status !== 204) throw new Error(`delete → ${remove.value.status}`);

    return {
      rules: RULES,
      hypervisors: HYPERVISORS,
      bodyBytes,
      createWriteMs: create.ms,
      createRealizeMs,
      updateWriteMs: update.ms,
      updateRealizeMs,
      updateRealizedMs: syncUpdate.ms,
      readMs: read.ms,
      deleteRealizedMs: remove.ms,
      auditEntryBytes: entryBytes,
      policyBytes: audit.items[0]!.documents.after.bytes,
    };
  } finally {
    if (client.failures.length) console.error(`large-policy: failures:\n${client.failures.join('\n')}`);
    if (!shared) await server.stop();
  }
}

if (isMain(import.meta.url)) {
  run().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
