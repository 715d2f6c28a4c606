import { walkJson, type JsonPath } from './json-walk.js';

const LONE_SURROGATE = /\p{Cs}/u;
/** Only a `\uD800`–`\uDFFF` escape can put a lone surrogate into parsed JSON (UTF-8 cannot encode one). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * Where the first string or key holding a lone surrogate is: such a string cannot be stored as sent
 * (storage would replace it with U+FFFD), so it is refused.
 */
export function findLoneSurrogate(text: string, parsed: unknown): JsonPath | null {
  if (!SURROGATE_ESCAPE.test(text)) return null;
  let found: JsonPath | null = null;
  walkJson(parsed, (value, _key, path) => {
    if (typeof value !== 'string' || !LONE_SURROGATE.test(value)) return false;
    found = path();
    return true;
  });
  return found;
}
