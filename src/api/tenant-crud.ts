import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { canonicalJson } from '../policy/canonical-json.js';
import type { Tenant } from '../policy/types.js';
import type { Db } from '../store/db.js';
import type { Statement } from '../store/mutation.js';
import type { AppEnv } from './context.js';
import { router } from './context.js';
import { dryRunImpact, DryRunQuery, isDryRun, withObject, type StateKey } from './dry-run.js';
import { badRequest, conflict, notFound } from './errors.js';
import {
  ERRORS,
  ETAG,
  jsonBody,
  noContent,
  ok,
  security,
  WRITE_HEADERS,
  WriteRequestHeaders,
} from './openapi-helpers.js';
import { pageOf, readPage } from './pagination.js';
import { PageQuery, TenantObjectParams, TenantParam } from './schemas/common.js';
import { objectDryRun, page } from './schemas/responses.js';
import { readableTenant, writeTenant } from './tenant-write.js';

type Router = ReturnType<typeof router>;

/** The storage and rules of one kind of tenant-owned object; the routes are the same for all. */
export interface TenantObjectKind<T extends { id: string; app?: string | undefined }, B> {
  kind: string;
  plural: string;
  /** where the object sits in the tenant's policy state (for a dry run's candidate) */
  stateKey: StateKey;
  body: z.ZodType<B>;
  /** the object as answered, for the OpenAPI document */
  schema: z.ZodType;
  /** a body for the document's examples */
  example: unknown;
  /** for operation ids, e.g. Policy and Policies */
  names: { one: string; many: string };
  fromBody(id: string, body: B): T;
  get(db: Db, tenant: string, id: string): Promise<T | null>;
  list(db: Db, tenant: string, after: string | null, limit: number, c: Context<AppEnv>): Promise<T[]>;
  /** throws a 4xx ApiError when `next` may not be stored as it is */
  validate(db: Db, tenant: Tenant, next: T, before: T | null): Promise<void>;
  put(db: Db, tenant: string, next: T): Statement[];
  /** throws 409 when something still depends on the object */
  assertDeletable?(db: Db, tenant: string, id: string): Promise<void>;
  remove(db: Db, tenant: string, id: string): Statement[];
  listQuery?: z.ZodObject;
}

export function assertNotAppOwned(obj: { app?: string | undefined } | null, kind: string, id: string) {
  if (obj?.app)
    throw conflict('owned-by-app', `${kind} "${id}" belongs to app "${obj.app}": change it through the app`, {
      app: obj.app,
    });
}

export function tenantCrud<T extends { id: string; app?: string | undefined }, B>(
  spec: TenantObjectKind<T, B>,
): Router {
  const routes = router();
  const itemPath = `/v1/tenants/{t}/${spec.plural}/{id}`;
  const tags = [spec.plural];
  const { one, many } = spec.names;
  const DryRun = objectDryRun(spec.schema, `${one}DryRun`);

  routes.openapi(
    createRoute({
      method: 'put',
      path: itemPath,
      operationId: `put${one}`,
      summary: `Create or replace a ${spec.kind}`,
      tags,
      security,
      description: `Creates or replaces ${spec.kind} {id} (idempotent). Honours If-Match. ?dryRun=true answers the diff and its impact on live flows and changes nothing.`,
      request: {
        params: TenantObjectParams,
        query: DryRunQuery,
        headers: WriteRequestHeaders,
        body: jsonBody(spec.body, spec.example),
      },
      responses: {
        200: ok(
          z.union([spec.schema, DryRun]),
          'replaced or unchanged; with ?dryRun=true the diff',
          WRITE_HEADERS,
        ),
        201: ok(spec.schema, 'created', WRITE_HEADERS),
        ...ERRORS,
      },
    }),
    async (c) => {
      const { t, id } = c.req.valid('param');
      const body = c.req.valid('json') as B & { id?: string };
      if (body.id !== undefined && body.id !== id)
        throw badRequest(`body.id: "${body.id}" differs from the path id "${id}"`);
      const dryRun = isDryRun(c);
      let created = false;
      let diff: { action: string; before: T | null; after: T } | null = null;
      const out = await writeTenant(c, t, async (tenant, db) => {
        const before = await spec.get(db, t, id);
        const next = spec.fromBody(id, body);
        assertNotAppOwned(before, spec.kind, id);
        const same = before !== null && canonicalJson(before) === canonicalJson(next);
        if (same && !dryRun) return { unchanged: before };
        if (!same) await spec.validate(db, tenant, next, before);
        created = before === null;
        if (dryRun) {
          diff = { action: same ? 'unchanged' : created ? 'create' : 'update', before, after: next };
          return { unchanged: next };
        }
        return {
          result: next,
          statements: spec.put(db, t, next),
          audit: [{ action: before ? 'update' : 'create', kind: spec.kind, id, before, after: next }],
        };
      });
      if (diff) {
        const impact = await dryRunImpact(c, t, withObject(spec.stateKey, out.result as never));
        return c.json({ dryRun: true, kind: spec.kind, id, ...(diff as object), impact }, 200);
      }
      return c.json(out.result as object, created ? 201 : 200);
    },
  );

  routes.openapi(
    createRoute({
      method: 'get',
      path: itemPath,
      operationId: `get${one}`,
      summary: `Read a ${spec.kind}`,
      tags,
      security,
      request: { params: TenantObjectParams },
      responses: { 200: ok(spec.schema, 'the object as stored', ETAG), ...ERRORS },
    }),
    async (c) => {
      const { t, id } = c.req.valid('param');
      const tenant = await readableTenant(c, t);
      const found = await spec.get(c.get('db'), t, id);
      if (!found) throw notFound(spec.kind, id);
      c.header('ETag', `"${tenant.revision}"`);
      return c.json(found as object, 200);
    },
  );

  routes.openapi(
    createRoute({
      method: 'get',
      path: `/v1/tenants/{t}/${spec.plural}`,
      operationId: `list${many}`,
      summary: `List ${spec.plural}`,
      description: `The tenant's ${spec.plural} by id, a page at a time.`,
      tags,
      security,
      request: {
        params: TenantParam,
        query: spec.listQuery ? PageQuery.extend(spec.listQuery.shape) : PageQuery,
      },
      responses: { 200: ok(page(spec.schema, `${one}Page`)), ...ERRORS },
    }),
    async (c) => {
      const { t } = c.req.valid('param');
      await readableTenant(c, t);
      const { after, limit } = readPage(c.req.valid('query'));
      const items = await spec.list(c.get('db'), t, after, limit, c);
      return c.json(
        pageOf(items, limit, (x) => x.id),
        200,
      );
    },
  );

  routes.openapi(
    createRoute({
      method: 'delete',
      path: itemPath,
      operationId: `delete${one}`,
      summary: `Delete a ${spec.kind}`,
      tags,
      security,
      description:
        'Honours If-Match. ?dryRun=true answers what would be deleted and its impact on live flows, and changes nothing.',
      request: { params: TenantObjectParams, query: DryRunQuery, headers: WriteRequestHeaders },
      responses: {
        200: ok(DryRun, 'with ?dryRun=true: what would be deleted', ETAG),
        204: noContent('deleted', WRITE_HEADERS),
        ...ERRORS,
      },
    }),
    async (c) => {
      const { t, id } = c.req.valid('param');
      const dryRun = isDryRun(c);
      const out = await writeTenant(c, t, async (_tenant, db) => {
        const before = await spec.get(db, t, id);
        if (!before) throw notFound(spec.kind, id);
        assertNotAppOwned(before, spec.kind, id);
        await spec.assertDeletable?.(db, t, id);
        if (dryRun) return { unchanged: before as T | null };
        return {
          result: null,
          statements: spec.remove(db, t, id),
          audit: [{ action: 'delete', kind: spec.kind, id, before, after: null }],
        };
      });
      if (dryRun) {
        const impact = await dryRunImpact(c, t, withObject(spec.stateKey, { remove: id }));
        return c.json(
          { dryRun: true, kind: spec.kind, id, action: 'delete', before: out.result, after: null, impact },
          200,
        );
      }
      return c.body(null, 204);
    },
  );

  return routes;
}
