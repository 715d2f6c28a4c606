import { formatError } from './format-error.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonObject(text: string, field: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw formatError(field, 'is not JSON');
  }
  if (!isObject(value)) throw formatError(field, `must be a JSON object, not ${describe(value)}`);
  return value;
}

/** A member that may be absent or null; anything else than an object is an error. */
export function optionalObject(parent: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw formatError(`${path}.${key}`, `must be an object, not ${describe(value)}`);
  return value;
}

/** A member that may be absent, null or empty (all read as absent); anything else than a string is an error. */
export function optionalString(parent: JsonObject, key: string, path: string): string | undefined {
  const value = Object.hasOwn(parent, key) ? parent[key] : undefined;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw formatError(`${path}.${key}`, `must be a string, not ${describe(value)}`);
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}
