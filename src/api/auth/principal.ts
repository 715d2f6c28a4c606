import { forbidden, notFound } from '../errors.js';

export const ROLES = ['admin', 'editor', 'auditor', 'agent', 'inventory'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the token's id (the audit actor), its role and its scope. */
export interface Principal {
  tokenId: string;
  role: Role;
  tenant: string | null;
  hypervisor: string | null;
}

function inTenantScope(p: Principal, tenant: string): boolean {
  if (p.role === 'admin') return true;
  if (p.role === 'auditor') return p.tenant === null || p.tenant === tenant;
  return (p.role === 'editor' || p.role === 'inventory') && p.tenant === tenant;
}

/** Anything of a tenant outside the caller's scope answers 404, as if it did not exist. */
export function assertTenantRead(p: Principal, tenant: string): void {
  if (!inTenantScope(p, tenant)) throw notFound('tenant', tenant);
  if (p.role === 'inventory') throw forbidden('inventory tokens only deliver webhooks and migrations');
}

export function assertTenantWrite(p: Principal, tenant: string): void {
  if (!inTenantScope(p, tenant)) throw notFound('tenant', tenant);
  if (p.role !== 'admin' && p.role !== 'editor') throw forbidden(`role ${p.role} cannot change tenant data`);
}

export function assertRole(p: Principal, ...roles: Role[]): void {
  if (!roles.includes(p.role))
    throw forbidden(`role ${p.role} may not do this (needs ${roles.join(' or ')})`);
}

export function assertHypervisorAgent(p: Principal, hypervisor: string): void {
  if (p.role === 'admin') return;
  if (p.role === 'agent' && p.hypervisor === hypervisor) return;
  if (p.role === 'agent') throw notFound('hypervisor', hypervisor);
  throw forbidden('only the agent of this hypervisor may send its packets');
}

/** Moving workloads: editors, and inventory systems reporting a move. */
export function assertTenantMigrate(p: Principal, tenant: string): void {
  if (!inTenantScope(p, tenant)) throw notFound('tenant', tenant);
  if (p.role === 'auditor') throw forbidden('auditors cannot migrate workloads');
}

/** Inventory writes (sync): editors, and the tenant's inventory systems. */
export function assertTenantInventory(p: Principal, tenant: string): void {
  if (!inTenantScope(p, tenant)) throw notFound('tenant', tenant);
  if (p.role !== 'admin' && p.role !== 'editor' && p.role !== 'inventory')
    throw forbidden(`role ${p.role} cannot change the inventory`);
}
