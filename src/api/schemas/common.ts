import { z } from '@hono/zod-openapi';
import { parseCidr } from '../../net/ip.js';

/** No leading dot: `.` and `..` would be ids that no URL can name. */
export const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

export const Id = z
  .string()
  .regex(ID_PATTERN, 'must match [A-Za-z0-9_-][A-Za-z0-9._-]{0,63}')
  .openapi({ example: 'web-1' });

export const Cidr = z
  .string()
  .refine((s) => parseCidr(s) !== null, 'must be an IPv4/IPv6 address or CIDR without host bits')
  .openapi({ example: '10.0.1.0/24' });

export const IpAddress = z
  .string()
  .refine((s) => !s.includes('/') && parseCidr(s) !== null, 'must be an IPv4 or IPv6 address')
  .openapi({ example: '10.0.1.5' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid-request' }),
      message: z.string(),
      details: z.unknown(),
    }),
  })
  .openapi('Error');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100).optional(),
  cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page' }),
});

const tenantId = Id.openapi({
  param: { name: 't', in: 'path', description: 'the tenant id' },
  example: 'acme',
});

export const TenantParam = z.object({ t: tenantId });
export const TenantObjectParams = z.object({
  t: tenantId,
  id: Id.openapi({ param: { name: 'id', in: 'path', description: 'the object id, chosen by the client' } }),
});
