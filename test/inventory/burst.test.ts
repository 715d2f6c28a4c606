import { describe, expect, it } from 'vitest';
import { call, ok } from '../api/client.js';
import { hypervisor, tenantWithEditor } from '../api/fixtures.js';
import { addressBody, interfaceBody, postNetbox, vmBody } from './netbox-client.js';

const SECRET = 'burst-webhook-secret-77';
const HOSTS = { 'esx-03.fra1.example.net': 'hv-b1' };

async function netboxTenant(t: string) {
  await hypervisor('hv-b1');
  const { editor } = await tenantWithEditor(t);
  await ok(
    call('PUT', `/v1/tenants/${t}/webhooks/netbox`, {
      token: editor,
      body: { secrets: [SECRET], hypervisors: HOSTS },
    }),
    201,
  );
  return editor;
}

const revisionOf = async (t: string, token: string) =>
  (await ok(call('GET', `/v1/tenants/${t}`, { token }))).body.revision as number;

/** A deterministic shuffle, so that children often arrive before their parents. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('a burst of NetBox deliveries to one tenant', () => {
  it('applies all of them, in any order, in fewer revisions than deliveries, one audit entry per workload', async () => {
    const t = 'wh-burst';
    const editor = await netboxTenant(t);
    const before = await revisionOf(t, editor);
    const vms = Array.from({ length: 12 }, (_, i) => 500 + i);
    const bodies = shuffled(
      vms.flatMap((vm) => [
        vmBody('created', vm),
        interfaceBody('created', vm * 10, vm),
        addressBody('created', vm * 100, `10.77.${vm - 500}.5/24`, vm * 10, vm),
      ]),
      7,
    );
    const answers = await Promise.all(bodies.map((b) => postNetbox(t, b, SECRET)));
    for (const a of answers) {
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect(a.body.outcome).toBe('applied');
    }
    const after = await revisionOf(t, editor);
    expect(after - before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan(bodies.length);
    const listed = (await ok(call('GET', `/v1/tenants/${t}/workloads?limit=100`, { token: editor }))).body
      .items as { id: string; hypervisor: string; vnics: { id: string; ips: string[] }[] }[];
    expect(listed.map((w) => w.id).sort()).toEqual(vms.map((vm) => `netbox-vm-${vm}`).sort());
    for (const w of listed) {
      const vm = Number(w.id.slice('netbox-vm-'.length));
      expect(w.hypervisor).toBe('hv-b1');
      expect(w.vnics).toEqual([
        expect.objectContaining({ id: `netbox-if-${vm * 10}`, ips: [`10.77.${vm - 500}.5`] }),
      ]);
    }
    const audit = (await ok(call('GET', `/v1/tenants/${t}/audit?limit=200`, { token: editor }))).body
      .items as {
      object?: string;
      actor: string;
      revision: number;
    }[];
    const webhookRevisions = new Set(
      audit.filter((e) => e.actor === 'webhook:netbox').map((e) => e.revision),
    );
    expect(webhookRevisions.size).toBe(after - before);
  });

  it('applies the same delivery sent four times at once exactly once', async () => {
    const t = 'wh-burst-dup';
    const editor = await netboxTenant(t);
    const body = vmBody('created', 901);
    const answers = await Promise.all([1, 2, 3, 4].map(() => postNetbox(t, body, SECRET)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.body.outcome).sort()).toEqual([
      'applied',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    const log = (await ok(call('GET', `/v1/tenants/${t}/webhooks/netbox/deliveries`, { token: editor }))).body
      .items as { outcome: string }[];
    expect(log.map((d) => d.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('rejects only the delivery whose host maps to no hypervisor; the others beside it apply', async () => {
    const t = 'wh-burst-mixed';
    const editor = await netboxTenant(t);
    const good = [601, 602, 603, 604, 605].map((vm) => vmBody('created', vm));
    const lost = vmBody('created', 666, { device: { id: 99, name: 'esx-99.nowhere' } });
    const answers = await Promise.all([...good, lost].map((b) => postNetbox(t, b, SECRET)));
    const refused = answers[good.length]!;
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('unknown-hypervisor');
    for (const a of answers.slice(0, good.length)) expect(a.body.outcome).toBe('applied');
    const ids = (await ok(call('GET', `/v1/tenants/${t}/workloads`, { token: editor }))).body.items.map(
      (w: { id: string }) => w.id,
    );
    expect(ids.sort()).toEqual([
      'netbox-vm-601',
      'netbox-vm-602',
      'netbox-vm-603',
      'netbox-vm-604',
      'netbox-vm-605',
    ]);
    const log = (await ok(call('GET', `/v1/tenants/${t}/webhooks/netbox/deliveries`, { token: editor }))).body
      .items as { outcome: string; object: string }[];
    expect(log.find((d) => d.object.endsWith(':666'))?.outcome).toBe('rejected');
  });
});
