import { serviceCatalogue } from '../policy/builtin-services.js';
import { PolicyError } from '../policy/policy-error.js';
import { toServiceMatch } from '../policy/service-entry.js';
import type { Service, ServiceEntry } from '../policy/types.js';
import type { ServiceMatch } from './types.js';

/** Resolves rule services (tenant services, then built-ins, or inline entries) to service matches. */
export class ServiceMatches {
  private readonly catalogue: Map<string, Service>;
  private readonly byId = new Map<string, ServiceMatch[]>();

  constructor(tenantServices: readonly Service[]) {
    this.catalogue = serviceCatalogue(tenantServices);
  }

  /** [] (any service) for an empty list. Throws PolicyError 'unknown-service' or an entry's error. */
  match(services: readonly (string | ServiceEntry)[]): ServiceMatch[] {
    const out: ServiceMatch[] = [];
    for (const ref of services) {
      if (typeof ref === 'string') out.push(...this.named(ref));
      else out.push(toServiceMatch(ref));
    }
    return out;
  }

  private named(id: string): ServiceMatch[] {
    let matches = this.byId.get(id);
    if (!matches) {
      const service = this.catalogue.get(id);
      if (!service) throw new PolicyError('unknown-service', `unknown service "${id}"`, { service: id });
      try {
        matches = service.entries.map(toServiceMatch);
      } catch (e) {
        if (e instanceof PolicyError) e.details.service = id;
        throw e;
      }
      this.byId.set(id, matches);
    }
    return matches;
  }
}
