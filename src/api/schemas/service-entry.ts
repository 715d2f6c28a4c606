import { z } from '@hono/zod-openapi';

const PORT_LIST = /^\s*\d{1,5}(\s*-\s*\d{1,5})?(\s*,\s*\d{1,5}(\s*-\s*\d{1,5})?)*\s*$/;

function validPorts(text: string): boolean {
  if (!PORT_LIST.test(text)) return false;
  return text.split(',').every((part) => {
    const [lo, hi = lo] = part.split('-').map((x) => Number(x.trim()));
    return lo! <= 65535 && hi! <= 65535 && lo! <= hi!;
  });
}

/** "80,443,8000-8080", a port number, or a list of those. */
export const PortList = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).max(1000)])
  .transform((v) => (Array.isArray(v) ? v.join(',') : String(v)))
  .refine(validPorts, 'must be ports and ranges within 0-65535, like "80,443,8000-8080"')
  .openapi({ example: '80,443,8000-8080' });

const Proto = z.union([z.enum(['tcp', 'udp', 'icmp', 'icmpv6', 'any']), z.number().int().min(0).max(255)]);

export const ServiceEntrySchema = z
  .strictObject({
    proto: Proto,
    ports: PortList.optional(),
    sourcePorts: PortList.optional(),
    icmpType: z.number().int().min(0).max(255).optional(),
    icmpCode: z.number().int().min(0).max(255).optional(),
  })
  .superRefine((e, ctx) => {
    const ported =
      e.proto === 'tcp' || e.proto === 'udp' || e.proto === 6 || e.proto === 17 || e.proto === 132;
    const icmp = e.proto === 'icmp' || e.proto === 'icmpv6' || e.proto === 1 || e.proto === 58;
    for (const key of ['ports', 'sourcePorts'] as const)
      if (e[key] !== undefined && !ported)
        ctx.addIssue({ code: 'custom', path: [key], message: `ports need proto tcp or udp, not ${e.proto}` });
    for (const key of ['icmpType', 'icmpCode'] as const)
      if (e[key] !== undefined && !icmp)
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} needs proto icmp or icmpv6` });
    if (e.icmpCode !== undefined && e.icmpType === undefined)
      ctx.addIssue({ code: 'custom', path: ['icmpCode'], message: 'icmpCode needs icmpType' });
  })
  .openapi('ServiceEntryInput');
