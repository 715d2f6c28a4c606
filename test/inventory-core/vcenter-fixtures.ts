import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { VcenterDelivery } from '../../src/inventory/vcenter/index.js';

const dir = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'webhooks', 'vcenter');

export const vcenterFiles = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** A stored file's exact bytes. */
export function vcenterFile(name: string): string {
  return readFileSync(path.join(dir, name), 'utf8');
}

export function structuredDelivery(body: string): VcenterDelivery {
  return { headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body };
}

/** The same event in binary mode, as VEBA posts it: `data` as the body, every other attribute a ce-* header. */
export function binaryDelivery(structured: string): { headers: Record<string, string>; body: string } {
  const { data, datacontenttype, ...attributes } = JSON.parse(structured) as Record<string, unknown>;
  const headers: Record<string, string> = { 'content-type': String(datacontenttype ?? 'application/json') };
  for (const [key, value] of Object.entries(attributes)) headers[`ce-${key}`] = String(value);
  return { headers, body: JSON.stringify(data) };
}

/** A stored event with its class, and data changed by `edit`, in structured mode. */
export function variant(
  file: string,
  eventClass: string,
  edit: (data: Record<string, unknown>) => void = () => {},
): string {
  const envelope = JSON.parse(vcenterFile(file)) as {
    type: string;
    id: string;
    data: Record<string, unknown>;
  };
  envelope.type = `com.vmware.vsphere.${eventClass}.v0`;
  edit(envelope.data);
  return JSON.stringify(envelope);
}
