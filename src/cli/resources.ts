import { ApiRequestError, unwrap } from '../client/api-error.js';
import type { OmniwallClient } from '../client/client.js';
import type { CrudKind, Kind } from './kinds.js';

/** A JSON object as the API answers it; the CLI shows and compares these without knowing every field. */
export type Json = Record<string, unknown>;

const ITEM = {
  Workload: '/v1/tenants/{t}/workloads/{id}',
  Group: '/v1/tenants/{t}/groups/{id}',
  Service: '/v1/tenants/{t}/services/{id}',
  Policy: '/v1/tenants/{t}/policies/{id}',
  App: '/v1/tenants/{t}/apps/{id}',
} as const;

const LIST = {
  Workload: '/v1/tenants/{t}/workloads',
  Group: '/v1/tenants/{t}/groups',
  Service: '/v1/tenants/{t}/services',
  Policy: '/v1/tenants/{t}/policies',
  App: '/v1/tenants/{t}/apps',
} as const;

export interface Ref {
  kind: Kind;
  tenant: string;
  id: string;
}

/** The object as stored, or null when it (or its tenant: `tenantMissing`) does not exist. */
export type Live = { value: Json; tenantMissing?: false } | { value: null; tenantMissing: boolean };

const isTenantMissing = (err: ApiRequestError, ref: Ref) =>
  ref.kind === 'Tenant' ||
  (typeof err.details === 'object' &&
    err.details !== null &&
    (err.details as { kind?: unknown }).kind === 'tenant');

export class Resources {
  constructor(
    readonly api: OmniwallClient,
    readonly url: string,
  ) {}

  private call<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>) {
    return unwrap(p, this.url);
  }

  async get(ref: Ref): Promise<Live> {
    try {
      return { value: await this.read(ref) };
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 404)
        return { value: null, tenantMissing: isTenantMissing(err, ref) };
      throw err;
    }
  }

  private async read(ref: Ref): Promise<Json> {
    const { tenant: t, id } = ref;
    if (ref.kind === 'Tenant')
      return (await this.call(this.api.GET('/v1/tenants/{t}', { params: { path: { t: id } } }))).data as Json;
    if (ref.kind === 'WebhookSource')
      return (
        await this.call(
          this.api.GET('/v1/tenants/{t}/webhooks/{kind}', {
            params: { path: { t, kind: id as 'netbox' | 'vcenter' | 'events' } },
          }),
        )
      ).data as Json;
    const path = ITEM[ref.kind as CrudKind];
    return (await this.call(this.api.GET(path, { params: { path: { t, id } } }))).data as Json;
  }

  /** PUT (PATCH for a tenant that exists, POST for one that does not); `dryRun` changes nothing. */
  async put(ref: Ref, body: Json, opts: { dryRun?: boolean; create?: boolean } = {}) {
    const { tenant: t, id } = ref;
    const query = opts.dryRun ? { dryRun: 'true' as const } : {};
    if (ref.kind === 'Tenant') {
      if (opts.create) return this.call(this.api.POST('/v1/tenants', { body: { ...body, id } as never }));
      return this.call(
        this.api.PATCH('/v1/tenants/{t}', { params: { path: { t: id }, query }, body: body as never }),
      );
    }
    if (ref.kind === 'WebhookSource')
      return this.call(
        this.api.PUT('/v1/tenants/{t}/webhooks/{kind}', {
          params: { path: { t, kind: id as 'netbox' | 'vcenter' | 'events' } },
          body: body as never,
        }),
      );
    const path = ITEM[ref.kind as CrudKind];
    return this.call(this.api.PUT(path, { params: { path: { t, id }, query }, body: body as never }));
  }

  async remove(ref: Ref, dryRun = false) {
    const { tenant: t, id } = ref;
    if (ref.kind === 'Tenant') throw new ApiRequestError(405, 'not-supported', 'tenants cannot be deleted');
    if (ref.kind === 'WebhookSource')
      return this.call(
        this.api.DELETE('/v1/tenants/{t}/webhooks/{kind}', {
          params: { path: { t, kind: id as 'netbox' | 'vcenter' | 'events' } },
        }),
      );
    const query = dryRun ? { dryRun: 'true' as const } : {};
    const path = ITEM[ref.kind as CrudKind];
    return this.call(this.api.DELETE(path, { params: { path: { t, id }, query } }));
  }

  /** Every object of a kind in a tenant, all pages. */
  async list(kind: Kind, t: string): Promise<Json[]> {
    if (kind === 'Tenant') {
      const { data } = await this.call(this.api.GET('/v1/tenants'));
      return (data as unknown as { items: Json[] }).items;
    }
    if (kind === 'WebhookSource') {
      const found = await Promise.all(
        (['netbox', 'vcenter', 'events'] as const).map((id) => this.get({ kind, tenant: t, id })),
      );
      return found.flatMap((f) => (f.value ? [f.value] : []));
    }
    const path = LIST[kind];
    const items: Json[] = [];
    let cursor: string | undefined;
    do {
      const { data } = await this.call(
        this.api.GET(path, {
          params: { path: { t }, query: { limit: 1000, ...(cursor ? { cursor } : {}) } },
        }),
      );
      const page = data as unknown as { items: Json[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }
}
