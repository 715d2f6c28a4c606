import type { z } from 'zod';
import {
  AppBody,
  GroupBody,
  PolicyBody,
  ServiceBody,
  TenantPatch,
  WorkloadBody,
} from '../api/schemas/resources.js';
import { WEBHOOK_KINDS, WebhookSourceBody } from '../api/schemas/webhook-source.js';

export const KINDS = ['Tenant', 'Service', 'Workload', 'Group', 'Policy', 'App', 'WebhookSource'] as const;
export type Kind = (typeof KINDS)[number];

/** Kinds stored under a tenant's item path with the same PUT/GET/DELETE routes. */
export type CrudKind = 'Workload' | 'Group' | 'Service' | 'Policy' | 'App';

/** The order an apply goes in, so every reference points at something already there. */
export const APPLY_ORDER: Record<Kind, number> = {
  Tenant: 0,
  Service: 1,
  Workload: 2,
  Group: 3,
  Policy: 4,
  App: 5,
  WebhookSource: 6,
};

/** The request body each kind's document carries besides kind, id and tenant: the API's own schemas. */
export const BODY_SCHEMAS: Record<Kind, z.ZodType> = {
  Tenant: TenantPatch,
  Service: ServiceBody,
  Workload: WorkloadBody,
  Group: GroupBody,
  Policy: PolicyBody,
  App: AppBody,
  WebhookSource: WebhookSourceBody,
};

/** Names `get` and `delete` take for a kind: `workload`, `workloads`, `Workload`, `wl`... */
const ALIASES: Record<string, Kind> = {
  tenant: 'Tenant',
  tenants: 'Tenant',
  service: 'Service',
  services: 'Service',
  svc: 'Service',
  workload: 'Workload',
  workloads: 'Workload',
  vm: 'Workload',
  vms: 'Workload',
  group: 'Group',
  groups: 'Group',
  policy: 'Policy',
  policies: 'Policy',
  app: 'App',
  apps: 'App',
  webhooksource: 'WebhookSource',
  webhooksources: 'WebhookSource',
  webhook: 'WebhookSource',
  webhooks: 'WebhookSource',
};

export function kindOf(name: string): Kind | null {
  return ALIASES[name.toLowerCase().replace(/[-_]/g, '')] ?? null;
}

export { WEBHOOK_KINDS };
