import { unwrap } from '../client/api-error.js';
import { createOmniwallClient } from '../client/client.js';
import { CliError } from './cli-error.js';
import { Resources } from './resources.js';

/** What every command runs with: the API, and the tenant OMNIWALL_TENANT names (if any). */
export interface CliContext {
  url: string;
  resources: Resources;
  envTenant: string | null;
  /** memoised: the one tenant a tenant-scoped token belongs to, or null */
  tokenTenant(): Promise<string | null>;
}

export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): CliContext {
  const url = env.OMNIWALL_URL?.trim();
  const token = env.OMNIWALL_TOKEN?.trim();
  if (!url) throw new CliError('OMNIWALL_URL is not set: the service URL, e.g. https://omniwall.example.net');
  if (!/^https?:\/\//.test(url)) throw new CliError(`OMNIWALL_URL: "${url}" is not an http(s) URL`);
  if (!token) throw new CliError('OMNIWALL_TOKEN is not set: an API token (never pass it as an argument)');
  const api = createOmniwallClient({ url, token });
  const resources = new Resources(api, url);
  let tokenTenant: Promise<string | null> | null = null;
  return {
    url,
    resources,
    envTenant: env.OMNIWALL_TENANT?.trim() || null,
    tokenTenant: () => (tokenTenant ??= scopedTenant(resources)),
  };
}

/** The one tenant the token is scoped to (an editor's, a tenant auditor's), or null (admin, global auditor). */
async function scopedTenant(r: Resources): Promise<string | null> {
  const { data } = await unwrap(r.api.GET('/v1/whoami'), r.url);
  return data.tenant;
}

/** The tenant of a command: --tenant, else OMNIWALL_TENANT, else the token's own. */
export async function commandTenant(ctx: CliContext, flag: string | undefined): Promise<string> {
  const t = flag ?? ctx.envTenant ?? (await ctx.tokenTenant());
  if (!t)
    throw new CliError(
      'which tenant? set OMNIWALL_TENANT (or --tenant): this token is not scoped to a single tenant',
    );
  return t;
}
