import type { Service, ServiceEntry } from './types.js';

function builtin(id: string, name: string, entries: ServiceEntry[]): Service {
  return { id, name, entries };
}

/** Services present in every tenant; a tenant service with the same id replaces the built-in one. */
export const BUILTIN_SERVICES: Readonly<Record<string, Service>> = Object.freeze(
  Object.fromEntries(
    [
      builtin('ssh', 'SSH', [{ proto: 'tcp', ports: '22' }]),
      builtin('http', 'HTTP', [{ proto: 'tcp', ports: '80' }]),
      builtin('https', 'HTTPS', [{ proto: 'tcp', ports: '443' }]),
      builtin('dns', 'DNS', [
        { proto: 'udp', ports: '53' },
        { proto: 'tcp', ports: '53' },
      ]),
      builtin('icmp-echo', 'ICMP echo request', [
        { proto: 'icmp', icmpType: 8 },
        { proto: 'icmpv6', icmpType: 128 },
      ]),
      builtin('ntp', 'NTP', [{ proto: 'udp', ports: '123' }]),
      builtin('smtp', 'SMTP', [{ proto: 'tcp', ports: '25' }]),
      builtin('smtp-submission', 'SMTP submission', [{ proto: 'tcp', ports: '465,587' }]),
      builtin('ldap', 'LDAP', [
        { proto: 'tcp', ports: '389' },
        { proto: 'udp', ports: '389' },
      ]),
      builtin('ldaps', 'LDAP over TLS', [{ proto: 'tcp', ports: '636' }]),
      builtin('rdp', 'RDP', [
        { proto: 'tcp', ports: '3389' },
        { proto: 'udp', ports: '3389' },
      ]),
      builtin('mysql', 'MySQL', [{ proto: 'tcp', ports: '3306' }]),
      builtin('postgres', 'PostgreSQL', [{ proto: 'tcp', ports: '5432' }]),
      builtin('redis', 'Redis', [{ proto: 'tcp', ports: '6379' }]),
      builtin('kubernetes-api', 'Kubernetes API', [{ proto: 'tcp', ports: '6443' }]),
      builtin('dhcp', 'DHCP', [{ proto: 'udp', ports: '67-68' }]),
      builtin('snmp', 'SNMP', [{ proto: 'udp', ports: '161-162' }]),
      builtin('syslog', 'Syslog', [{ proto: 'udp', ports: '514' }]),
    ].map((s) => [s.id, Object.freeze(s)]),
  ),
);

/** The tenant's service catalogue: built-ins overridden by tenant services of the same id. */
export function serviceCatalogue(tenantServices: readonly Service[]): Map<string, Service> {
  const catalogue = new Map<string, Service>(Object.entries(BUILTIN_SERVICES));
  for (const service of tenantServices) catalogue.set(service.id, service);
  return catalogue;
}
