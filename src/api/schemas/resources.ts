import { z } from '@hono/zod-openapi';
import { ACTIONS, CATEGORIES, DIRECTIONS } from '../../policy/types.js';
import { Cidr, Id, IpAddress } from './common.js';
import { CriteriaSchema } from './criteria.js';
import { PortList, ServiceEntrySchema } from './service-entry.js';

/**
 * Request bodies with server defaults stay inline, not components: openapi-typescript makes a component's
 * defaulted properties required (issue openapi-ts/openapi-typescript#1903), a request body's optional.
 */
const INLINE = { description: 'fields with a default may be left out' };

const Timeouts = z.strictObject({
  tcpSynSent: z.number().int().min(1).max(864000).optional(),
  tcpSynRecv: z.number().int().min(1).max(864000).optional(),
  tcpEstablished: z.number().int().min(1).max(864000).optional(),
  tcpFinWait: z.number().int().min(1).max(864000).optional(),
  tcpCloseWait: z.number().int().min(1).max(864000).optional(),
  tcpLastAck: z.number().int().min(1).max(864000).optional(),
  tcpTimeWait: z.number().int().min(1).max(864000).optional(),
  tcpClose: z.number().int().min(1).max(864000).optional(),
  udpUnreplied: z.number().int().min(1).max(864000).optional(),
  udpAssured: z.number().int().min(1).max(864000).optional(),
  icmp: z.number().int().min(1).max(864000).optional(),
});

export const SettingsPatch = z
  .strictObject({
    defaultAction: z.enum(['allow', 'drop']).optional(),
    spoofGuard: z.boolean().optional(),
    revalidateOnChange: z.boolean().optional(),
    timeouts: Timeouts.optional(),
  })
  .openapi('TenantSettings');

export const TenantCreate = z
  .strictObject({ id: Id, name: z.string().min(1).max(200), settings: SettingsPatch.optional() })
  .openapi('TenantCreate');

/** What a GET answers beside the body; accepted back (and ignored) so a GET can be sent back as it is. */
export const ReadOnlyRevision = z
  .number()
  .int()
  .optional()
  .openapi({ readOnly: true, description: 'the tenant revision when read; ignored on writes' });

export const TenantPatch = z
  .strictObject({
    id: Id.optional().openapi({ description: 'must equal the path id when present' }),
    name: z.string().min(1).max(200).optional(),
    settings: SettingsPatch.optional(),
    revision: ReadOnlyRevision,
  })
  .openapi('TenantPatch');

export const TokenCreate = z
  .strictObject({
    role: z.enum(['admin', 'editor', 'auditor', 'agent', 'inventory']),
    tenant: Id.optional(),
    hypervisor: Id.optional(),
    name: z.string().max(200).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine((t, ctx) => {
    const needsTenant = t.role === 'editor' || t.role === 'inventory';
    if (needsTenant && !t.tenant)
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: `a ${t.role} token needs a tenant` });
    if ((t.role === 'admin' || t.role === 'agent') && t.tenant)
      ctx.addIssue({ code: 'custom', path: ['tenant'], message: `a ${t.role} token is not tenant-scoped` });
    if (t.role === 'agent' && !t.hypervisor)
      ctx.addIssue({ code: 'custom', path: ['hypervisor'], message: 'an agent token needs a hypervisor' });
    if (t.role !== 'agent' && t.hypervisor)
      ctx.addIssue({ code: 'custom', path: ['hypervisor'], message: 'only agent tokens name a hypervisor' });
  })
  .openapi('TokenCreate');

export const HypervisorBody = z.strictObject({ id: Id.optional(), name: z.string().min(1).max(200) });

const Tag = z.string().min(1).max(256);

export const VnicSchema = z.strictObject({
  id: Id,
  mac: z
    .string()
    .regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'must be a MAC like 00:50:56:aa:bb:cc')
    .optional(),
  ips: z.array(IpAddress).max(64).default([]),
});

export const WorkloadBody = z
  .strictObject({
    id: Id.optional(),
    name: z.string().min(1).max(200).optional(),
    hypervisor: Id,
    vnics: z
      .array(VnicSchema)
      .max(16)
      .default([])
      .refine((v) => new Set(v.map((x) => x.id)).size === v.length, 'vNIC ids must be unique'),
    os: z.string().max(200).optional(),
    user: z.string().max(200).optional(),
    tags: z.array(Tag).max(100).default([]),
    attributes: z.record(z.string().min(1).max(128), z.string().max(1024)).default({}),
  })
  .openapi(INLINE);

const IdList = z.array(Id).max(10000).default([]);

export const GroupBody = z
  .strictObject({
    id: Id.optional(),
    name: z.string().max(200).optional(),
    members: z
      .strictObject({
        workloads: IdList,
        vnics: IdList,
        cidrs: z.array(Cidr).max(10000).default([]),
        groups: IdList,
      })
      .default({ workloads: [], vnics: [], cidrs: [], groups: [] }),
    criteria: CriteriaSchema.optional(),
  })
  .openapi(INLINE);

export const ServiceBody = z
  .strictObject({
    id: Id.optional(),
    name: z.string().max(200).optional(),
    entries: z.array(ServiceEntrySchema).min(1).max(100),
  })
  .openapi('ServiceInput');

const PeerSchema = z.union([
  z.literal('any'),
  z.strictObject({
    groups: z.array(Id).max(1000).default([]),
    cidrs: z.array(Cidr).max(10000).default([]),
    negate: z.boolean().default(false),
  }),
]);

export const RuleSchema = z
  .strictObject({
    id: Id,
    sources: PeerSchema.default('any'),
    destinations: PeerSchema.default('any'),
    services: z
      .array(z.union([Id, ServiceEntrySchema]))
      .max(100)
      .default([]),
    appliedTo: z.array(Id).max(100).default([]),
    direction: z.enum(DIRECTIONS).default('inout'),
    action: z.enum(ACTIONS),
    log: z.boolean().default(false),
    disabled: z.boolean().default(false),
    notes: z.string().max(2000).optional(),
  })
  .openapi(INLINE);

export const PolicyBody = z
  .strictObject({
    id: Id.optional(),
    name: z.string().max(200).optional(),
    category: z.enum(CATEGORIES),
    priority: z.number().int().min(-1_000_000).max(1_000_000),
    stateful: z.boolean().default(true),
    tcpStrict: z.boolean().default(false),
    appliedTo: z.array(Id).max(100).default([]),
    app: Id.optional(),
    rules: z
      .array(RuleSchema)
      .max(20000)
      .default([])
      .superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((r, i) => {
          if (seen.has(r.id))
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id "${r.id}"` });
          seen.add(r.id);
        });
      }),
  })
  .openapi(INLINE);

const AppOwns = z
  .strictObject({ groups: z.array(Id), services: z.array(Id), policies: z.array(Id) })
  .optional()
  .openapi({ readOnly: true, description: 'the objects the app owns when read; ignored on writes' });

export const AppBody = z
  .strictObject({
    id: Id.optional(),
    owns: AppOwns,
    groups: z.record(Id, GroupBody).default({}),
    services: z.record(Id, ServiceBody).default({}),
    policies: z.record(Id, PolicyBody.omit({ app: true })).default({}),
  })
  .openapi(INLINE);

export { PortList };
