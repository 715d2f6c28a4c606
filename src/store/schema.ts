import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { GroupMembers, TenantSettings } from '../policy/types.js';

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();
const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  settings: json<Partial<TenantSettings>>('settings').notNull(),
  revision: integer('revision').notNull().default(1),
  createdAt: createdAt(),
});

export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    hash: text('hash').notNull(),
    role: text('role').notNull(),
    tenant: text('tenant'),
    hypervisor: text('hypervisor'),
    name: text('name'),
    createdAt: createdAt(),
    expiresAt: text('expires_at'),
    lastUsedAt: text('last_used_at'),
  },
  (t) => [uniqueIndex('tokens_hash').on(t.hash)],
);

export const hypervisors = sqliteTable('hypervisors', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

/** Tenant revisions: one row per mutation; the (tenant, revision) key serializes writers. */
export const revisions = sqliteTable(
  'revisions',
  {
    tenant: text('tenant').notNull(),
    revision: integer('revision').notNull(),
    actor: text('actor').notNull(),
    at: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.revision] })],
);

export const workloads = sqliteTable(
  'workloads',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    name: text('name').notNull(),
    hypervisor: text('hypervisor').notNull(),
    os: text('os'),
    user: text('user'),
    tags: json<string[]>('tags').notNull(),
    attributes: json<Record<string, string>>('attributes').notNull(),
    /** the inventory source that syncs this workload (PUT .../inventory/{source}); null: written by the API */
    source: text('source'),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.id] }),
    index('workloads_hypervisor').on(t.hypervisor, t.tenant),
  ],
);

/** handle: global numeric vNIC id used on the data plane (binary records, conntrack keys). */
export const vnics = sqliteTable(
  'vnics',
  {
    handle: integer('handle').primaryKey({ autoIncrement: true }),
    tenant: text('tenant').notNull(),
    workload: text('workload').notNull(),
    id: text('id').notNull(),
    mac: text('mac'),
    position: integer('position').notNull(),
  },
  (t) => [
    uniqueIndex('vnics_tenant_id').on(t.tenant, t.id),
    index('vnics_workload').on(t.tenant, t.workload),
  ],
);

export const vnicAddresses = sqliteTable(
  'vnic_addresses',
  {
    tenant: text('tenant').notNull(),
    vnic: integer('vnic').notNull(),
    ip: text('ip').notNull(),
  },
  (t) => [primaryKey({ columns: [t.vnic, t.ip] }), index('vnic_addresses_ip').on(t.tenant, t.ip)],
);

export const groups = sqliteTable(
  'groups',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    name: text('name'),
    members: json<Partial<GroupMembers>>('members').notNull(),
    criteria: json<unknown>('criteria'),
    app: text('app'),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.id] }), index('groups_app').on(t.tenant, t.app)],
);

export const services = sqliteTable(
  'services',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    name: text('name'),
    entries: json<unknown[]>('entries').notNull(),
    app: text('app'),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.id] }), index('services_app').on(t.tenant, t.app)],
);

export const policies = sqliteTable(
  'policies',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    name: text('name'),
    category: text('category').notNull(),
    priority: integer('priority').notNull(),
    stateful: integer('stateful', { mode: 'boolean' }).notNull(),
    tcpStrict: integer('tcp_strict', { mode: 'boolean' }).notNull(),
    appliedTo: json<string[]>('applied_to').notNull(),
    app: text('app'),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.id] }), index('policies_app').on(t.tenant, t.app)],
);

export const rules = sqliteTable(
  'rules',
  {
    tenant: text('tenant').notNull(),
    policy: text('policy').notNull(),
    position: integer('position').notNull(),
    id: text('id').notNull(),
    body: json<Record<string, unknown>>('body').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.policy, t.id] }),
    index('rules_order').on(t.tenant, t.policy, t.position),
  ],
);

/** Who names whom (rule → group/service, group → group), for 409 on delete of a referenced object. */
export const references = sqliteTable(
  'refs',
  {
    tenant: text('tenant').notNull(),
    fromKind: text('from_kind').notNull(),
    fromId: text('from_id').notNull(),
    toKind: text('to_kind').notNull(),
    toId: text('to_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.fromKind, t.fromId, t.toKind, t.toId] }),
    index('refs_target').on(t.tenant, t.toKind, t.toId),
  ],
);

export const apps = sqliteTable(
  'apps',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    spec: json<unknown>('spec').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.id] })],
);

export const audit = sqliteTable(
  'audit',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    tenant: text('tenant'),
    revision: integer('revision'),
    at: createdAt(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    objectKind: text('object_kind').notNull(),
    objectId: text('object_id').notNull(),
    /** documents up to the inline limit; larger ones (null here) are in audit_documents under *_hash */
    before: json<unknown>('before'),
    after: json<unknown>('after'),
    beforeHash: text('before_hash'),
    afterHash: text('after_hash'),
    beforeBytes: integer('before_bytes'),
    afterBytes: integer('after_bytes'),
    /** an update as an RFC 6902 JSON Patch from before to after, inline or stored apart as above */
    changes: json<unknown>('changes'),
    changesHash: text('changes_hash'),
    changesBytes: integer('changes_bytes'),
    /** a bounded digest of what changed (top-level fields; rule ids added, removed, changed, moved) */
    summary: json<unknown>('summary'),
  },
  (t) => [
    index('audit_tenant').on(t.tenant, t.seq),
    index('audit_object').on(t.tenant, t.objectKind, t.objectId),
  ],
);

/**
 * Large audit documents, content-addressed (SHA-256 of the JSON text) so one body is stored once however
 * many entries name it, in parts that each stay far below D1's 2 MB value limit.
 */
export const auditDocuments = sqliteTable(
  'audit_documents',
  {
    hash: text('hash').notNull(),
    part: integer('part').notNull(),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hash, t.part] })],
);

export const migrations = sqliteTable(
  'migrations',
  {
    tenant: text('tenant').notNull(),
    id: text('id').notNull(),
    workload: text('workload').notNull(),
    source: text('source').notNull(),
    target: text('target').notNull(),
    state: text('state').notNull(),
    step: text('step'),
    flowsMoved: integer('flows_moved').notNull().default(0),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.id] }), index('migrations_workload').on(t.tenant, t.workload)],
);

/** An inventory source of a tenant (SPEC §7); secrets are kept to verify signatures, never shown. */
export const webhookSources = sqliteTable(
  'webhook_sources',
  {
    tenant: text('tenant').notNull(),
    kind: text('kind').notNull(),
    secrets: json<string[]>('secrets').notNull(),
    hypervisors: json<Record<string, string>>('hypervisors').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenant, t.kind] })],
);

/**
 * NetBox objects as last received, so a workload is recomputed from its VM, interfaces and addresses
 * whatever order they arrived in; `parent` is the VM of an interface or the interface of an address.
 */
export const netboxObjects = sqliteTable(
  'netbox_objects',
  {
    tenant: text('tenant').notNull(),
    objectType: text('object_type').notNull(),
    id: integer('id').notNull(),
    timestamp: text('timestamp').notNull(),
    parent: integer('parent'),
    deleted: integer('deleted', { mode: 'boolean' }).notNull(),
    data: json<Record<string, unknown>>('data').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenant, t.objectType, t.id] }),
    index('netbox_objects_parent').on(t.tenant, t.objectType, t.parent),
  ],
);

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    tenant: text('tenant').notNull(),
    kind: text('kind').notNull(),
    id: text('id').notNull(),
    receivedAt: createdAt(),
    dedupKey: text('dedup_key').notNull(),
    event: text('event'),
    object: text('object'),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    revision: integer('revision'),
    /** the body of a rejected delivery, kept so it can be replayed once the mapping is fixed */
    body: text('body'),
    headers: json<Record<string, string>>('headers'),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_id').on(t.tenant, t.kind, t.id),
    index('webhook_deliveries_dedup').on(t.tenant, t.kind, t.dedupKey),
    index('webhook_deliveries_list').on(t.tenant, t.kind, t.seq),
  ],
);
