import { z } from '@hono/zod-openapi';
import { Id } from './common.js';

export const WEBHOOK_KINDS = ['netbox', 'vcenter', 'events'] as const;

const KeptSecret = z
  .strictObject({ fingerprint: z.string().regex(/^[0-9a-f]{12}$/, 'a fingerprint as GET shows it') })
  .openapi('KeptSecret', { description: 'keeps the stored secret with this fingerprint' });

/** PUT /v1/tenants/{t}/webhooks/{kind} (SPEC §7); inline, not a component: its defaulted fields stay optional in generated request types. */
export const WebhookSourceBody = z
  .strictObject({
    kind: z.enum(WEBHOOK_KINDS).optional().openapi({ description: 'must equal the path kind when present' }),
    secrets: z
      .array(z.union([z.string().min(8).max(512), KeptSecret]))
      .min(1)
      .max(2)
      .openapi({
        description:
          'two while rotating; answers show fingerprints only, and a {fingerprint} keeps the stored secret it names',
      }),
    hypervisors: z
      .record(z.string().min(1).max(256), Id)
      .default({})
      .openapi({ description: "the source's host or cluster names mapped to hypervisor ids" }),
    enabled: z.boolean().default(true),
  })
  .openapi({ description: 'fields with a default may be left out' });
