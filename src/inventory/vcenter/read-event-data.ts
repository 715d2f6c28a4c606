import type { VcenterEffect } from './event-classes.js';
import { formatError } from './format-error.js';
import { type JsonObject, optionalObject, optionalString } from './json-reader.js';
import type { VcenterObjectRef } from './types.js';

export interface VcenterEventData {
  createdTime: string | undefined;
  vm: VcenterObjectRef | undefined;
  host: VcenterObjectRef | undefined;
  sourceHost: VcenterObjectRef | undefined;
}

/**
 * The vSphere event object (govmomi JSON: `Vm: {Name, Vm: {Type, Value}}`, `Host: {Name, Host: {...}}`).
 * A VM and a host are required only by the events omniwall acts on.
 */
export function readEventData(
  data: JsonObject,
  path: string,
  effect: VcenterEffect | undefined,
): VcenterEventData {
  const vm = readRef(data, 'Vm', 'Vm', path);
  const host = readRef(data, 'Host', 'Host', path);
  const sourceHost = readRef(data, 'SourceHost', 'Host', path);
  if (effect && !vm)
    throw formatError(`${path}.Vm`, 'missing: the event names no VM (Vm.Vm.Value or Vm.Name)');
  if ((effect === 'migrate' || effect === 'power-on') && !host)
    throw formatError(`${path}.Host`, 'missing: the event names no host (Host.Name or Host.Host.Value)');
  return { createdTime: optionalString(data, 'CreatedTime', path), vm, host, sourceHost };
}

/** `{Name, <inner>: {Value}}`; a reference with neither a name nor a moref reads as absent. */
function readRef(data: JsonObject, key: string, inner: string, path: string): VcenterObjectRef | undefined {
  const ref = optionalObject(data, key, path);
  if (!ref) return undefined;
  const refPath = `${path}.${key}`;
  const name = optionalString(ref, 'Name', refPath);
  const mo = optionalObject(ref, inner, refPath);
  const moref = mo ? optionalString(mo, 'Value', `${refPath}.${inner}`) : undefined;
  return name === undefined && moref === undefined ? undefined : { name, moref };
}
