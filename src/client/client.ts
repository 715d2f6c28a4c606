import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api-types.js';

export type { paths };
export type OmniwallClient = Client<paths>;

export interface ClientOptions {
  /** the service's base URL, e.g. https://omniwall.example.net */
  url: string;
  token: string;
  /** a fetch to use instead of the global one (tests, proxies) */
  fetch?: (input: Request) => Promise<Response>;
}

/** The typed client of the omniwall API: every call is checked against the served OpenAPI document. */
export function createOmniwallClient(options: ClientOptions): OmniwallClient {
  return createClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
