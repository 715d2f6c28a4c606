import { z, type RouteConfig } from '@hono/zod-openapi';
import { ErrorSchema } from './schemas/common.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

export const ERRORS = {
  400: errorResponse('invalid request: the message names the first offending field'),
  401: errorResponse('missing or wrong token'),
  403: errorResponse('the token may not do this'),
  404: errorResponse('no such object (or not visible to this token)'),
  409: errorResponse('conflict with existing state'),
  412: errorResponse('If-Match names a revision that has moved'),
  422: errorResponse('references an unknown or cyclic object'),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const ok = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

export const security: RouteConfig['security'] = [{ bearer: [] }];

export const AnyObject = z.record(z.string(), z.unknown()).openapi({ type: 'object' });
