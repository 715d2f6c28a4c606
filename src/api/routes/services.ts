import type { z } from '@hono/zod-openapi';
import type { Service } from '../../policy/types.js';
import {
  deleteServiceStatements,
  getService,
  listServices,
  putServiceStatements,
} from '../../store/services.js';
import { assertUnreferenced } from '../reference-checks.js';
import { ServiceBody } from '../schemas/resources.js';
import { Service as ServiceSchema } from '../schemas/responses.js';
import { tenantCrud } from '../tenant-crud.js';

type ServiceInput = z.infer<typeof ServiceBody>;

export function serviceFromBody(id: string, body: ServiceInput, app?: string): Service {
  return {
    id,
    ...(body.name !== undefined ? { name: body.name } : {}),
    entries: body.entries,
    ...(app ? { app } : {}),
  };
}

export const serviceRoutes = tenantCrud<Service, ServiceInput>({
  kind: 'service',
  plural: 'services',
  stateKey: 'services',
  body: ServiceBody,
  schema: ServiceSchema,
  names: { one: 'Service', many: 'Services' },
  example: { entries: [{ proto: 'tcp', ports: '5432' }] },
  fromBody: (id, body) => serviceFromBody(id, body),
  get: getService,
  list: listServices,
  validate: async () => {},
  put: putServiceStatements,
  assertDeletable: (db, tenant, id) => assertUnreferenced(db, tenant, 'service', id),
  remove: deleteServiceStatements,
});
