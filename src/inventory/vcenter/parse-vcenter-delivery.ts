import { effectOf } from './event-classes.js';
import { formatError, VcenterFormatError } from './format-error.js';
import { describe, isObject, type JsonObject, optionalString, parseJsonObject } from './json-reader.js';
import { readEventData } from './read-event-data.js';
import type { VcenterEvent, VcenterParseResult } from './types.js';

export interface VcenterDelivery {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  /** The raw body, as the sender posted it. */
  body: string;
}

const VSPHERE_TYPE = /^com\.vmware\.vsphere\.([A-Za-z0-9_.]+)\.v[0-9]+$/;
const EVENT_ROUTER_TYPE = 'com.vmware.event.router/event';
const EVENT_CLASS = /^[A-Za-z0-9_.]{1,200}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const SPEC_VERSIONS = ['1.0', '0.3'];

/** The CloudEvent attributes of one delivery and where each was read from (for error messages). */
interface Envelope {
  mode: VcenterEvent['mode'];
  attribute(name: string): string | undefined;
  field(name: string): string;
  data: JsonObject;
  dataPath: string;
}

/**
 * Reads a vCenter event delivered by the VMware Event Broker Appliance: CloudEvents binary mode (`ce-*`
 * headers, the event as the body) or structured mode (`application/cloudevents+json`, the event in `data`),
 * with `type` `com.vmware.vsphere.<Event>.v0` or the older `com.vmware.event.router/event` +
 * `subject: <Event>`. Never throws: a body that is not such an event is an issue naming the field.
 */
export function parseVcenterDelivery(delivery: VcenterDelivery): VcenterParseResult {
  try {
    return { ok: true, event: readEvent(envelopeOf(delivery)) };
  } catch (e) {
    if (e instanceof VcenterFormatError) return { ok: false, error: e.issue };
    throw e;
  }
}

function readEvent(envelope: Envelope): VcenterEvent {
  const required = (name: string) => {
    const value = envelope.attribute(name);
    if (value === undefined) throw formatError(envelope.field(name), 'missing');
    return value;
  };
  const specversion = envelope.attribute('specversion');
  if (specversion !== undefined && !SPEC_VERSIONS.includes(specversion))
    throw formatError(
      envelope.field('specversion'),
      `"${specversion}" is not a CloudEvents version omniwall reads (1.0)`,
    );
  const id = required('id');
  const source = required('source');
  const type = required('type');
  const subject = envelope.attribute('subject');
  const time = envelope.attribute('time');
  if (time !== undefined && !RFC3339.test(time))
    throw formatError(envelope.field('time'), `"${time}" is not an RFC 3339 timestamp`);

  let format: VcenterEvent['format'];
  let eventClass: string;
  const vsphere = VSPHERE_TYPE.exec(type);
  if (vsphere) {
    format = 'vsphere';
    eventClass = vsphere[1]!;
  } else if (type === EVENT_ROUTER_TYPE) {
    format = 'event-router';
    if (subject === undefined)
      throw formatError(
        envelope.field('subject'),
        `missing: ${EVENT_ROUTER_TYPE} names the event class in subject`,
      );
    if (!EVENT_CLASS.test(subject))
      throw formatError(envelope.field('subject'), `"${subject.slice(0, 40)}" is not a vSphere event class`);
    eventClass = subject;
  } else {
    throw formatError(
      envelope.field('type'),
      `"${type.slice(0, 80)}" is not a vCenter event type (com.vmware.vsphere.<Event>.v0 or ${EVENT_ROUTER_TYPE})`,
    );
  }

  const data = readEventData(envelope.data, envelope.dataPath, effectOf(eventClass));
  return {
    mode: envelope.mode,
    format,
    id,
    source,
    type,
    eventClass,
    subject,
    time: time ?? data.createdTime,
    vm: data.vm,
    host: data.host,
    sourceHost: data.sourceHost,
  };
}

function envelopeOf({ headers, body }: VcenterDelivery): Envelope {
  const header = (name: string): string | undefined => {
    const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  const contentType = (header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'application/cloudevents-batch+json')
    throw formatError(
      'headers.content-type',
      'CloudEvents batch mode is not accepted: send one event per request',
    );
  if (contentType === 'application/cloudevents+json') return structured(body);
  if (
    header('ce-id') !== undefined ||
    header('ce-type') !== undefined ||
    header('ce-specversion') !== undefined
  )
    return binary(header, body);
  const object = parseJsonObject(body, 'body');
  // a relay that posts a structured event as plain application/json
  if (Object.hasOwn(object, 'specversion')) return structured(body, object);
  throw formatError(
    'headers.ce-id',
    'missing: send CloudEvents binary mode (ce-* headers) or structured mode (content-type: application/cloudevents+json)',
  );
}

function binary(header: (name: string) => string | undefined, body: string): Envelope {
  return {
    mode: 'binary',
    attribute(name) {
      const raw = header(`ce-${name}`);
      if (raw === undefined || raw === '') return undefined;
      try {
        // the HTTP binding percent-encodes header values
        return decodeURIComponent(raw);
      } catch {
        throw formatError(`headers.ce-${name}`, 'is not a valid percent-encoded value');
      }
    },
    field: (name) => `headers.ce-${name}`,
    data: parseJsonObject(body, 'body'),
    dataPath: 'body',
  };
}

function structured(body: string, parsed?: JsonObject): Envelope {
  const envelope = parsed ?? parseJsonObject(body, 'body');
  return {
    mode: 'structured',
    attribute: (name) => optionalString(envelope, name, 'body'),
    field: (name) => `body.${name}`,
    data: structuredData(envelope),
    dataPath: 'body.data',
  };
}

function structuredData(envelope: JsonObject): JsonObject {
  if (Object.hasOwn(envelope, 'data')) {
    const data = envelope.data;
    if (!isObject(data))
      throw formatError('body.data', `must be the vSphere event object, not ${describe(data)}`);
    return data;
  }
  const base64 = optionalString(envelope, 'data_base64', 'body');
  if (base64 === undefined) throw formatError('body.data', 'missing: the envelope carries no event');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw formatError('body.data_base64', 'is not base64 of UTF-8 text');
  }
  return parseJsonObject(text, 'body.data_base64');
}
