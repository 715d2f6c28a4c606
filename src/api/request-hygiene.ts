import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { declaredRoutes, type DeclaredRoute } from './declared-routes.js';
import { badRequest, unprocessable, unsupportedMediaType } from './errors.js';
import { nestsDeeperThan } from './json-depth.js';
import { findLoneSurrogate } from './lone-surrogate.js';
import { assertDeclaredLength, readBodyWithin } from './read-body.js';
import { criteriaTooDeep, MAX_CRITERIA_DEPTH } from './schemas/criteria.js';
import { formatPath } from './validation.js';

/**
 * No valid body nests deeper: an app's group criteria start 3 levels down and each of their
 * MAX_CRITERIA_DEPTH levels of all/any adds 2 (object and list), an `in` list 2 more.
 */
const MAX_BODY_DEPTH = 2 * MAX_CRITERIA_DEPTH + 16;
const JSON_TYPE = /^application\/json\s*(;.*)?$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function routeOf(c: Context<AppEnv>, lookup: ReturnType<typeof declaredRoutes>): DeclaredRoute | undefined {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  const route = matchedRoutes(c).findLast((r) => r.method === method);
  return route && lookup(method, route.path);
}

function assertKnownQuery(c: Context<AppEnv>, route: DeclaredRoute): void {
  const keys = new URL(c.req.url).searchParams.keys();
  for (const key of keys) {
    if (route.queryKeys.includes(key)) continue;
    const takes = route.queryKeys.length ? `it takes ${route.queryKeys.join(', ')}` : 'it takes none';
    throw badRequest(`query.${key}: not a parameter of ${c.req.method} ${route.path} (${takes})`, {
      parameter: key,
      allowed: route.queryKeys,
    });
  }
}

/** The parsed body, refused whole unless it can be validated safely and stored exactly as sent. */
async function readJsonBody(c: Context<AppEnv>, route: DeclaredRoute): Promise<unknown> {
  const bytes = await readBodyWithin(c.req.raw, route.bodyLimit);
  if (bytes.byteLength === 0)
    throw badRequest('body: required; send a JSON object ({} when every field is optional)');
  const type = c.req.header('content-type');
  if (type === undefined) throw unsupportedMediaType('body: send it with Content-Type: application/json');
  if (!JSON_TYPE.test(type))
    throw unsupportedMediaType(`body: Content-Type must be application/json, not "${type}"`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest('body: not valid UTF-8');
  }
  if (nestsDeeperThan(text, MAX_BODY_DEPTH))
    throw unprocessable(
      'too-deep',
      `body: nested deeper than ${MAX_BODY_DEPTH} levels (criteria nest at most ${MAX_CRITERIA_DEPTH} deep)`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('body: malformed JSON');
  }
  const lone = findLoneSurrogate(text, parsed);
  if (lone)
    throw badRequest(`${formatPath('json', lone)}: contains a lone surrogate; strings must be valid Unicode`);
  const deep = criteriaTooDeep(parsed);
  if (deep)
    throw unprocessable(
      'invalid-criteria',
      `${formatPath('json', deep)}: criteria nest at most ${MAX_CRITERIA_DEPTH} deep`,
    );
  return parsed;
}

/** A body the route reads itself: required, and buffered within the limit unless its length is declared. */
async function limitRawBody(c: Context<AppEnv>, limit: number): Promise<void> {
  const declared = c.req.raw.headers.get('content-length');
  assertDeclaredLength(c.req.raw, limit);
  if (declared === null) {
    const bytes = await readBodyWithin(c.req.raw, limit);
    c.req.raw = new Request(c.req.raw, { body: bytes });
    if (bytes.byteLength > 0) return;
  } else if (Number(declared) > 0) return;
  throw badRequest('body: required');
}

/** A body a route without one would silently ignore: declared by length or by chunked encoding. */
function hasBody(c: Context<AppEnv>): boolean {
  const length = c.req.header('content-length');
  return (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
}

/**
 * SPEC §10 request hygiene for every declared route, before its validators run: a query parameter
 * it does not declare is a 400, so is a body where it takes none, a body is limited in size (413) and, for JSON routes, required,
 * depth-checked on the raw text and checked for strings that cannot be stored as sent.
 */
export function requestHygiene(registry: Parameters<typeof declaredRoutes>[0]) {
  const lookup = declaredRoutes(registry);
  return createMiddleware<AppEnv>(async (c, next) => {
    const route = routeOf(c, lookup);
    if (!route) return next();
    assertKnownQuery(c, route);
    if (route.body === 'json') {
      const parsed = await readJsonBody(c, route);
      // the route's validator reads the body again: hand it this parse instead of a second one
      c.req.json = <T>() => Promise.resolve(parsed as T);
    } else if (route.body === 'raw') {
      await limitRawBody(c, route.bodyLimit);
    } else if (hasBody(c)) {
      throw badRequest(`body: ${c.req.method} ${route.path} takes no body`);
    }
    return next();
  });
}
