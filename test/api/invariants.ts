/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies read back as JSON */
import { expect } from 'vitest';
import { call, type Call } from './client.js';

export const ROUNDS = 20;
const REFUSED = [409, 422];

export type Tenant = { id: string; editor: string };

export async function items(t: Tenant, plural: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?limit=500&cursor=${encodeURIComponent(cursor)}` : '?limit=500';
    const r = await call('GET', `/v1/tenants/${t.id}/${plural}${q}`, { token: t.editor });
    expect(r.status).toBe(200);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

function refsOfSide(side: unknown): string[] {
  return side && typeof side === 'object' ? ((side as { groups?: string[] }).groups ?? []) : [];
}

/** Every invariant of SPEC §10, read back through the API as a client sees it. */
export async function expectValid(t: Tenant) {
  const [groups, services, policies, workloads] = (await Promise.all(
    ['groups', 'services', 'policies', 'workloads'].map((p) => items(t, p)),
  )) as [any[], any[], any[], any[]];
  const groupIds = new Set(groups.map((g) => g.id));
  const serviceIds = new Set(services.map((s) => s.id));
  for (const p of policies) {
    for (const g of p.appliedTo ?? []) expect(groupIds, `policy ${p.id} appliedTo ${g}`).toContain(g);
    for (const r of p.rules) {
      for (const g of [...refsOfSide(r.sources), ...refsOfSide(r.destinations), ...(r.appliedTo ?? [])])
        expect(groupIds, `policy ${p.id} rule ${r.id} group ${g}`).toContain(g);
      for (const s of r.services ?? [])
        if (typeof s === 'string' && !['ssh', 'http', 'https', 'dns', 'icmp-echo'].includes(s))
          expect(serviceIds, `policy ${p.id} rule ${r.id} service ${s}`).toContain(s);
    }
  }
  const nests = new Map(groups.map((g) => [g.id as string, (g.members?.groups ?? []) as string[]]));
  for (const [id, inner] of nests)
    for (const n of inner) expect(groupIds, `group ${id} nests ${n}`).toContain(n);
  const done = new Set<string>();
  const visit = (id: string, path: string[]) => {
    expect(path, `nesting cycle ${[...path, id].join(' -> ')}`).not.toContain(id);
    if (done.has(id)) return;
    for (const n of nests.get(id) ?? []) visit(n, [...path, id]);
    done.add(id);
  };
  for (const id of nests.keys()) visit(id, []);
  const owners = new Map<string, string>();
  for (const w of workloads)
    for (const v of w.vnics) {
      expect(owners.get(v.id), `vNIC ${v.id} in ${owners.get(v.id)} and ${w.id}`).toBeUndefined();
      owners.set(v.id, w.id);
    }
  const realization = await call('GET', `/v1/tenants/${t.id}/realization`, { token: t.editor });
  expect(realization.body.error ?? null).toBeNull();
}

export async function race(a: () => Promise<Call>, b: () => Promise<Call>) {
  const [ra, rb] = await Promise.all([a(), b()]);
  for (const r of [ra, rb]) expect([200, 201, 204, ...REFUSED], JSON.stringify(r.body)).toContain(r.status);
  return [ra, rb] as const;
}

export const ok2xx = (r: Call) => r.status >= 200 && r.status < 300;
