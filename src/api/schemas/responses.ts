import { z } from '@hono/zod-openapi';
import { ACTIONS, CATEGORIES, DIRECTIONS } from '../../policy/types.js';
import { CriteriaSchema } from './criteria.js';
import { Decision } from './explanation.js';

/**
 * Objects as the API answers them: every field the server fills in is present (defaults applied), so a
 * generated client need not test for them. Request bodies are the zod schemas in resources.ts.
 */

const readOnly = <T extends z.ZodType>(schema: T, description: string) =>
  schema.openapi({ readOnly: true, description });

const Revision = readOnly(z.number().int(), 'the tenant revision, bumped by every committed write');
const OwnerApp = readOnly(z.string(), 'the app that owns this object; change it through the app');

const Timeouts = z
  .object({
    tcpSynSent: z.number().int().optional(),
    tcpSynRecv: z.number().int().optional(),
    tcpEstablished: z.number().int().optional(),
    tcpFinWait: z.number().int().optional(),
    tcpCloseWait: z.number().int().optional(),
    tcpLastAck: z.number().int().optional(),
    tcpTimeWait: z.number().int().optional(),
    tcpClose: z.number().int().optional(),
    udpUnreplied: z.number().int().optional(),
    udpAssured: z.number().int().optional(),
    icmp: z.number().int().optional(),
  })
  .openapi('ConntrackTimeouts', { description: 'seconds; an absent one is the Linux nf_conntrack default' });

export const Tenant = z
  .object({
    id: z.string(),
    name: z.string(),
    settings: z
      .object({
        defaultAction: z.enum(['allow', 'drop']),
        spoofGuard: z.boolean(),
        revalidateOnChange: z.boolean(),
        timeouts: Timeouts,
      })
      .openapi('Settings'),
    revision: Revision,
  })
  .openapi('Tenant', {
    example: {
      id: 'acme',
      name: 'ACME',
      settings: { defaultAction: 'drop', spoofGuard: false, revalidateOnChange: false, timeouts: {} },
      revision: 1,
    },
  });

export const Hypervisor = z
  .object({ id: z.string(), name: z.string() })
  .openapi('Hypervisor', { example: { id: 'hv-1', name: 'esx-01' } });

export const Workload = z
  .object({
    id: z.string(),
    name: z.string(),
    hypervisor: z.string(),
    vnics: z.array(
      z.object({ id: z.string(), mac: z.string().optional(), ips: z.array(z.string()) }).openapi('Vnic'),
    ),
    os: z.string().optional(),
    user: z.string().optional(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.string()),
  })
  .openapi('Workload', {
    example: {
      id: 'web-1',
      name: 'web-1',
      hypervisor: 'hv-1',
      vnics: [{ id: 'web-1-eth0', ips: ['10.0.1.5'] }],
      tags: ['tier=web'],
      attributes: {},
    },
  });

export const Group = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    members: z
      .object({
        workloads: z.array(z.string()),
        vnics: z.array(z.string()),
        cidrs: z.array(z.string()),
        groups: z.array(z.string()),
      })
      .openapi('StaticMembers'),
    criteria: CriteriaSchema.optional(),
    app: OwnerApp.optional(),
  })
  .openapi('Group', {
    example: {
      id: 'web',
      members: { workloads: [], vnics: [], cidrs: [], groups: [] },
      criteria: { field: 'tag', op: 'equals', value: 'tier=web' },
    },
  });

export const ServiceEntry = z
  .object({
    proto: z.union([z.string(), z.number().int()]),
    ports: z.string().optional().openapi({ example: '80,443,8000-8080' }),
    sourcePorts: z.string().optional(),
    icmpType: z.number().int().optional(),
    icmpCode: z.number().int().optional(),
  })
  .openapi('ServiceEntry', { description: 'ports normalized to "80,443,8000-8080"' });

export const Service = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    entries: z.array(ServiceEntry),
    app: OwnerApp.optional(),
  })
  .openapi('Service', { example: { id: 'postgres', entries: [{ proto: 'tcp', ports: '5432' }] } });

const Peer = z
  .union([
    z.literal('any'),
    z.object({ groups: z.array(z.string()), cidrs: z.array(z.string()), negate: z.boolean() }),
  ])
  .openapi('Peer');

export const Rule = z
  .object({
    id: z.string(),
    sources: Peer,
    destinations: Peer,
    services: z.array(z.union([z.string(), ServiceEntry])),
    appliedTo: z.array(z.string()),
    direction: z.enum(DIRECTIONS),
    action: z.enum(ACTIONS),
    log: z.boolean(),
    disabled: z.boolean(),
    notes: z.string().optional(),
  })
  .openapi('Rule');

export const Policy = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    category: z.enum(CATEGORIES),
    priority: z.number().int(),
    stateful: z.boolean(),
    tcpStrict: z.boolean(),
    appliedTo: z.array(z.string()),
    app: z.string().optional().openapi({ description: 'the app this policy belongs to' }),
    rules: z.array(Rule),
  })
  .openapi('Policy');

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'pass as cursor for the next page; null: last' }),
    })
    .openapi(name);

/** A format=json download: every entry of the range (evidence-export.ts). */
export const exportOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({ since: z.string().nullable(), until: z.string().nullable(), items: z.array(item) })
    .openapi(name);

const ObjectRef = z
  .object({ kind: z.enum(['group', 'service', 'policy']), id: z.string() })
  .openapi('AppObjectRef');

const CutFlow = z
  .object({
    hypervisor: z.string(),
    vnic: z.string(),
    workload: z.string(),
    openedOn: z.enum(['in', 'out']).nullable(),
    proto: z.number().int(),
    src: z.string(),
    dst: z.string(),
    sport: z.number().int(),
    dport: z.number().int(),
    state: z.string(),
    allowedBy: z.object({ policy: z.string(), rule: z.string() }).nullable(),
    now: Decision,
  })
  .openapi('CutFlow');

export const FlowLogEntry = z
  .object({
    at: z.string().openapi({ format: 'date-time' }),
    hypervisor: z.string(),
    tenant: z.string(),
    workload: z.string(),
    vnic: z.string(),
    dir: z.enum(['in', 'out']),
    src: z.string(),
    dst: z.string(),
    proto: z.number().int(),
    sport: z.number().int(),
    dport: z.number().int(),
    action: z.enum(['allow', 'drop', 'reject']),
    reason: z.string(),
    rule: z.string().nullable(),
    policy: z.string().nullable(),
  })
  .openapi('FlowLogEntry');

/** SPEC §12: what a change would do to live flows; nothing is written. */
export const Impact = z
  .object({
    revision: z.number().int(),
    candidateRevision: z.number().int(),
    revalidateOnChange: z.boolean().openapi({ description: 'whether applying would cut the flows below' }),
    established: z.object({
      flows: z.number().int(),
      cut: z.number().int(),
      byHypervisor: z.array(
        z.object({
          hypervisor: z.string(),
          realizedRevision: z.number().int().nullable(),
          flows: z.number().int(),
          cut: z.number().int(),
        }),
      ),
      sample: z.array(CutFlow),
    }),
    flowLog: z.object({
      entries: z.number().int(),
      newlyAllowed: z.number().int(),
      newlyDenied: z.number().int(),
      sample: z.array(
        z.object({
          hypervisor: z.string(),
          entry: FlowLogEntry.omit({ hypervisor: true, at: true }).extend({ at: z.number() }),
          now: Decision,
        }),
      ),
    }),
  })
  .openapi('Impact');

export const AppDiff = z
  .object({
    app: z.string(),
    dryRun: z.boolean(),
    created: z.array(ObjectRef),
    updated: z.array(ObjectRef),
    deleted: z.array(ObjectRef),
    unchanged: z.array(ObjectRef),
    impact: Impact.optional().openapi({ description: 'with ?dryRun=true' }),
  })
  .openapi('AppDiff');

export const AppSpec = z
  .object({
    groups: z.record(z.string(), Group.omit({ id: true, app: true })),
    services: z.record(z.string(), Service.omit({ id: true, app: true })),
    policies: z.record(z.string(), Policy.omit({ id: true, app: true })),
  })
  .openapi('AppSpec');

export const App = AppSpec.extend({
  id: z.string(),
  owns: readOnly(
    z.object({
      groups: z.array(z.string()),
      services: z.array(z.string()),
      policies: z.array(z.string()),
    }),
    'the ids of what the app owns; ignored when sent back',
  ),
}).openapi('App');

/** A dry-run answer of a single object's PUT or DELETE. */
export const objectDryRun = <T extends z.ZodType>(object: T, name: string) =>
  z
    .object({
      dryRun: z.literal(true),
      kind: z.string(),
      id: z.string(),
      action: z.enum(['create', 'update', 'unchanged', 'delete']),
      before: object.nullable(),
      after: object.nullable(),
      impact: Impact,
    })
    .openapi(name);

export const TenantDryRun = z
  .object({ dryRun: z.literal(true), before: Tenant, after: Tenant, impact: Impact })
  .openapi('TenantDryRun');
