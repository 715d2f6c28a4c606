import { call } from '../api/client.js';

const encoder = new TextEncoder();
const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

async function hmac(hash: string, key: Uint8Array, data: Uint8Array) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, data);
}

export const netboxSignature = async (body: string, secret: string) =>
  hex(await hmac('SHA-512', encoder.encode(secret), encoder.encode(body)));

/** Posts `body` as exact bytes to the tenant's NetBox route, signed with `secret` unless a header is given. */
export async function postNetbox(t: string, body: string, secret: string | null, signature?: string) {
  const headers: Record<string, string> = {};
  const sig = signature ?? (secret === null ? undefined : await netboxSignature(body, secret));
  if (sig !== undefined) headers['x-hook-signature'] = sig;
  return call('POST', `/v1/webhooks/${t}/netbox`, { token: null, raw: body, headers });
}

/** A Standard Webhooks delivery signed with a `whsec_` secret at `atSeconds`. */
export async function postStandard(
  t: string,
  kind: string,
  body: string,
  secret: string,
  opts: { id?: string; atSeconds?: number; headers?: Record<string, string> } = {},
) {
  const id = opts.id ?? `msg_${crypto.randomUUID()}`;
  const ts = String(opts.atSeconds ?? Math.floor(Date.now() / 1000));
  const key = Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0));
  const sig = btoa(
    String.fromCharCode(...new Uint8Array(await hmac('SHA-256', key, encoder.encode(`${id}.${ts}.${body}`)))),
  );
  return call('POST', `/v1/webhooks/${t}/${kind}`, {
    token: null,
    raw: body,
    headers: { ...opts.headers, 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` },
  });
}

let clock = Date.parse('2026-07-12T08:00:00Z');
/** NetBox-style timestamps (microseconds, +00:00), increasing on every call unless one is given. */
export const tick = () => new Date((clock += 1000)).toISOString().replace('Z', '123+00:00');

type Event = 'created' | 'updated' | 'deleted';

function envelope(event: Event, objectType: string, data: object, timestamp = tick()) {
  return JSON.stringify({
    event,
    timestamp,
    object_type: objectType,
    username: 'admin',
    request_id: crypto.randomUUID(),
    data,
    snapshots: { prechange: null, postchange: null },
  });
}

export function vmBody(event: Event, id: number, fields: Record<string, unknown> = {}, timestamp?: string) {
  return envelope(
    event,
    'virtualization.virtualmachine',
    {
      id,
      name: `vm-${id}`,
      status: { value: 'active', label: 'Active' },
      site: { id: 1, name: 'fra1', slug: 'fra1' },
      cluster: { id: 2, name: 'cluster-a' },
      device: { id: 3, name: 'esx-03.fra1.example.net' },
      role: { id: 4, name: 'web', slug: 'web' },
      tenant: null,
      platform: { id: 5, name: 'ubuntu-24.04', slug: 'ubuntu' },
      tags: [{ id: 9, name: 'Tier Web', slug: 'tier-web' }],
      custom_fields: { owner: 'team-a', cost_center: 42, unset: null },
      ...fields,
    },
    timestamp,
  );
}

export function interfaceBody(event: Event, id: number, vm: number, timestamp?: string) {
  return envelope(
    event,
    'virtualization.vminterface',
    { id, name: `eth${id}`, virtual_machine: { id: vm, name: `vm-${vm}` }, mac_address: '52:54:00:AB:CD:EF' },
    timestamp,
  );
}

export function addressBody(
  event: Event,
  id: number,
  address: string,
  iface: number | null,
  vm: number | null,
  timestamp?: string,
) {
  return envelope(
    event,
    'ipam.ipaddress',
    {
      id,
      address,
      status: { value: 'active', label: 'Active' },
      assigned_object_type: iface === null ? null : 'virtualization.vminterface',
      assigned_object_id: iface,
      assigned_object:
        iface === null
          ? null
          : { id: iface, name: `eth${iface}`, virtual_machine: { id: vm, name: `vm-${vm}` } },
    },
    timestamp,
  );
}
