const MiB = 1024 * 1024;

/** SPEC §10: request bodies by route (OpenAPI path); the first matching pattern wins. */
const LIMITS: { path: RegExp; bytes: number }[] = [
  { path: /^\/v1\/tenants\/\{t\}\/(policies|apps)\//, bytes: 8 * MiB },
  { path: /^\/v1\/hypervisors\/\{h\}\/packets$/, bytes: 4 * MiB },
  { path: /^\/v1\/tenants\/\{t\}\/inventory\/\{source\}$/, bytes: 16 * MiB },
];
const DEFAULT_LIMIT = 1 * MiB;

export function bodyLimitOf(path: string): number {
  return LIMITS.find((l) => l.path.test(path))?.bytes ?? DEFAULT_LIMIT;
}

export function describeLimit(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB (${bytes} bytes)` : `${bytes} bytes`;
}
