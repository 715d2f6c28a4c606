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
