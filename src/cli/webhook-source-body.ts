import { z } from 'zod';
import { Id } from '../api/schemas/common.js';

/** PUT /v1/tenants/{t}/webhooks/{kind} (SPEC §7); the route keeps its schema to itself, so it is repeated here. */
export const WebhookSourceBody = z.strictObject({
  secrets: z.array(z.string().min(8).max(512)).min(1).max(2),
  hypervisors: z.record(z.string().min(1).max(256), Id).default({}),
  enabled: z.boolean().default(true),
});
