import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi';
import { bodyLimitOf } from './body-limits.js';

type Registry = OpenAPIHono['openAPIRegistry'];

/** What a route declares it takes besides its path parameters, read from its OpenAPI definition. */
export interface DeclaredRoute {
  /** the OpenAPI path, e.g. /v1/tenants/{t} */
  path: string;
  queryKeys: readonly string[];
  /** `json`: validated JSON; `raw`: the route reads the bytes itself; null: no body */
  body: 'json' | 'raw' | null;
  bodyLimit: number;
}

function declare(route: RouteConfig): DeclaredRoute {
  const query = route.request?.query as { shape?: Record<string, unknown> } | undefined;
  const content = (route.request?.body as { content?: Record<string, unknown> } | undefined)?.content;
  const types = Object.keys(content ?? {});
  return {
    path: route.path,
    queryKeys: Object.keys(query?.shape ?? {}),
    body: types.length === 0 ? null : types.every((t) => t === 'application/json') ? 'json' : 'raw',
    bodyLimit: bodyLimitOf(route.path),
  };
}

/**
 * Looks routes up by method and Hono path (`/v1/tenants/:t`). Built on first use, when every route
 * has been registered.
 */
export function declaredRoutes(
  registry: Registry,
): (method: string, path: string) => DeclaredRoute | undefined {
  let index: Map<string, DeclaredRoute> | undefined;
  return (method, path) => {
    index ??= new Map(
      registry.definitions.flatMap((d) =>
        d.type === 'route'
          ? [
              [
                `${d.route.method.toUpperCase()} ${d.route.path.replaceAll(/\{(.+?)\}/g, ':$1')}`,
                declare(d.route),
              ],
            ]
          : [],
      ),
    );
    return index.get(`${method} ${path}`);
  };
}
