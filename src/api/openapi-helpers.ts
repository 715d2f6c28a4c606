import { z, type RouteConfig } from '@hono/zod-openapi';
import { ErrorSchema } from './schemas/common.js';

type Headers = Record<
  string,
  { description: string; required?: boolean; schema: { type: 'string'; enum?: string[] } }
>;

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

export const TOO_LARGE = { 413: errorResponse('the body is larger than this route takes') } as const;

/** The revision of the tenant an answer reflects (SPEC §9), for a later `If-Match`. */
export const ETAG: Headers = {
  ETag: { description: 'the tenant revision, quoted: "42"', required: true, schema: { type: 'string' } },
};

/** What a committed change says about its push to the hypervisors (src/api/realize-hook.ts). */
export const REALIZATION_HEADERS: Headers = {
  'Omniwall-Realization': {
    description:
      'present when the write changed something: realized (every affected hypervisor enforces it), ' +
      'pending (Prefer: respond-async, or still being pushed) or failed (it does not compile)',
    schema: { type: 'string', enum: ['realized', 'pending', 'failed'] },
  },
  'Preference-Applied': {
    description: 'respond-async when the write answered without waiting for realization',
    schema: { type: 'string', enum: ['respond-async'] },
  },
};

export const WRITE_HEADERS: Headers = { ...ETAG, ...REALIZATION_HEADERS };

/** Request headers of a tenant write; declared loosely so the handlers keep their own error messages. */
export const WriteRequestHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { in: 'header', description: 'the revision this write expects, as an ETag gave it; else 412' },
      example: '"42"',
    }),
  prefer: z
    .string()
    .optional()
    .openapi({
      param: {
        in: 'header',
        description:
          'respond-async: answer once committed, without waiting for the hypervisors to enforce it',
      },
      example: 'respond-async',
    }),
});

/** `If-Match` alone, for writes that do not push (migrations). */
export const IfMatchHeader = WriteRequestHeaders.pick({ 'if-match': true });

export const jsonBody = <T extends z.ZodType>(schema: T, example?: unknown) => ({
  required: true,
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});

export const ok = <T extends z.ZodType>(schema: T, description = 'OK', headers?: Headers) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema } },
});

export const noContent = (description: string, headers?: Headers) => ({
  description,
  ...(headers ? { headers } : {}),
});

export const security: RouteConfig['security'] = [{ bearer: [] }];

/** Webhook deliveries carry no token: the signature over the body authenticates them (SPEC §7). */
export const signed: RouteConfig['security'] = [{ netboxSignature: [] }, { standardWebhooks: [] }];
