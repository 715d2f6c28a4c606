import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, onUnauthorized, type Page } from './api.js';
import { href, parseRoute, useRoute } from './route.js';
import { session } from './session.js';
import { VIEWS } from './views/index.js';

interface TenantRef {
  id: string;
  name: string;
}

function SignIn({ onSignedIn }: { onSignedIn: (tenants: TenantRef[]) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    const token = input.value.trim();
    setBusy(true);
    setError(null);
    try {
      const tenants = await get<Page<TenantRef>>('/v1/tenants', token);
      session.signIn(token);
      input.value = '';
      onSignedIn(tenants.items);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'The API does not know this token.'
          : err instanceof ApiError && err.status === 403
            ? 'This token may not read tenants (use an auditor, editor or admin token).'
            : String(err instanceof Error ? err.message : err),
      );
    } finally {
      setBusy(false);
    }
  };
  // method=post with no action: a browser that ignores the handler never puts the token in the URL
  return (
    <form class="signin" method="post" onSubmit={(e) => void submit(e)}>
      <h1>omniwall console</h1>
      <label>
        API token <input name="token" type="password" autocomplete="off" required autofocus />
      </label>
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      <p class="muted">The token stays in this tab only (sessionStorage) and is sent as a bearer header.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Shell({ tenants, signOut }: { tenants: TenantRef[]; signOut: () => void }) {
  const route = useRoute();
  const tenant = route.tenant && tenants.some((t) => t.id === route.tenant) ? route.tenant : tenants[0]?.id;
  useEffect(() => {
    // the hash as it is now: it may have moved since this render (a link followed right after sign-in)
    const now = parseRoute(location.hash);
    if (tenant && !tenants.some((t) => t.id === now.tenant)) location.replace(href(tenant, now.view));
  }, [tenant, route.tenant, route.view]);
  const view = VIEWS.find((v) => v.key === route.view) ?? VIEWS[0]!;
  return (
    <>
      <header>
        <strong>omniwall</strong>
        <label>
          tenant{' '}
          <select
            value={tenant}
            onChange={(e) => (location.hash = href((e.target as HTMLSelectElement).value, view.key))}
          >
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.id})
              </option>
            ))}
          </select>
        </label>
        <nav>
          {tenant &&
            VIEWS.map((v) => (
              <a key={v.key} href={href(tenant, v.key)} class={v.key === view.key ? 'current' : ''}>
                {v.label}
              </a>
            ))}
        </nav>
        <button type="button" class="signout" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {tenant ? (
          <view.component key={`${tenant}/${view.key}`} tenant={tenant} id={route.id} />
        ) : (
          <p>No tenant is visible to this token.</p>
        )}
      </main>
    </>
  );
}

function App() {
  const [tenants, setTenants] = useState<TenantRef[] | null>(null);
  const [checking, setChecking] = useState(session.token() !== null);
  const signOut = () => {
    session.signOut();
    setTenants(null);
  };
  useEffect(() => {
    onUnauthorized(signOut);
    if (!session.token()) return;
    get<Page<TenantRef>>('/v1/tenants')
      .then((t) => setTenants(t.items))
      .catch(() => session.signOut())
      .finally(() => setChecking(false));
  }, []);
  if (checking) return <p class="muted">Signing in…</p>;
  return tenants ? <Shell tenants={tenants} signOut={signOut} /> : <SignIn onSignedIn={setTenants} />;
}

const root = document.getElementById('app')!;
root.textContent = ''; // the page's "loading" line: Preact renders beside what is there
render(<App />, root);
