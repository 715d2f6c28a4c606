import { useEffect, useState } from 'preact/hooks';

/** Where the console is: `#/<tenant>/<view>/<id?>`; the hash holds names only, never the token. */
export interface Route {
  tenant: string | null;
  view: string;
  id: string | null;
}

export function parseRoute(hash: string): Route {
  const [tenant, view, ...rest] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { tenant: tenant || null, view: view || 'overview', id: rest.length ? rest.join('/') : null };
}

export function href(tenant: string, view: string, id?: string | null): string {
  const parts = [tenant, view, ...(id ? [id] : [])].map(encodeURIComponent);
  return `#/${parts.join('/')}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** A rule in the policies view: `#/<tenant>/policies/<policy>/<rule>` (ids never hold a slash). */
export const ruleHref = (tenant: string, policy: string, rule: string): string =>
  href(tenant, 'policies', `${policy}/${rule}`);

export function splitRuleId(id: string | null): { policy: string | null; rule: string | null } {
  if (!id) return { policy: null, rule: null };
  const at = id.indexOf('/');
  return at < 0 ? { policy: id, rule: null } : { policy: id.slice(0, at), rule: id.slice(at + 1) };
}
