import type { OpenAPIHono } from '@hono/zod-openapi';

type Registry = OpenAPIHono['openAPIRegistry'];

/** The document's own metadata; operations and schemas come from the route declarations. */
export const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'omniwall',
    version: '1',
    description:
      'Distributed firewall policy, data plane and migration API. Writes answer the object as stored with ' +
      '`ETag: "<revision>"`; a write with a stale `If-Match` is a 412. Lists take `limit` and `cursor` and ' +
      'answer `{items, nextCursor}`.',
  },
  // relative: the document describes the service that serves it, wherever that is
  servers: [{ url: '/', description: 'the service serving this document' }],
  tags: [
    { name: 'tenants', description: 'tenants and their settings (admin creates)' },
    { name: 'tokens', description: 'bearer tokens by role: admin, editor, auditor, agent, inventory' },
    { name: 'hypervisors', description: 'enforcement points (infrastructure, admin only)' },
    { name: 'workloads', description: 'VMs and their vNICs' },
    { name: 'groups', description: 'static members and dynamic criteria' },
    { name: 'services', description: 'protocols and ports' },
    { name: 'policies', description: 'ordered rules by category and priority' },
    { name: 'apps', description: 'groups, services and policies applied as one desired state' },
    { name: 'audit', description: 'who changed what, with JSON Patch' },
    { name: 'data plane', description: 'packets, verdicts, counters, flow logs and realization' },
    { name: 'explain', description: 'why a connection is allowed or dropped' },
    { name: 'analysis', description: 'shadowed, redundant and unused rules' },
    { name: 'migrations', description: 'moving workloads with their flows' },
    { name: 'inventory', description: 'desired-state sync from an inventory source' },
    { name: 'webhooks', description: 'NetBox, vCenter and event deliveries (SPEC §7)' },
    { name: 'metrics', description: 'Prometheus exposition' },
  ],
};

export function registerSecuritySchemes(registry: Registry): void {
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'netboxSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Hook-Signature',
    description: 'NetBox: HMAC-SHA512 of the body with the source secret, hex',
  });
  registry.registerComponent('securitySchemes', 'standardWebhooks', {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description: 'Standard Webhooks (vcenter, events): with webhook-id and webhook-timestamp',
  });
}
