import { useState } from 'preact/hooks';
import { request } from './api.js';

/**
 * Evidence export (issue 9 item 4, served by the API): the same list route with `format` and a time range.
 * The download goes through fetch so the token travels in the Authorization header, never in the link.
 */
export const EXPORT_QUERY = { format: 'format', from: 'since', to: 'until' } as const;

export function exportUrl(path: string, format: 'csv' | 'json', from: string, to: string): string {
  const q = new URLSearchParams({ [EXPORT_QUERY.format]: format });
  if (from) q.set(EXPORT_QUERY.from, new Date(from).toISOString());
  if (to) q.set(EXPORT_QUERY.to, new Date(to).toISOString());
  return `${path}?${q}`;
}

/** Fetches `path` with the bearer header and saves the answer as `filename`. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await request(path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function Export({ path, name }: { path: string; name: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async (format: 'csv' | 'json') => {
    setError(null);
    try {
      await download(exportUrl(path, format, from, to), `${name}.${format}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <details class="export">
      <summary>Export evidence</summary>
      <label>
        from{' '}
        <input
          type="datetime-local"
          value={from}
          onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
        />
      </label>{' '}
      <label>
        to{' '}
        <input
          type="datetime-local"
          value={to}
          onInput={(e) => setTo((e.target as HTMLInputElement).value)}
        />
      </label>{' '}
      <button type="button" onClick={() => void save('csv')}>
        CSV
      </button>{' '}
      <button type="button" onClick={() => void save('json')}>
        JSON
      </button>
      {error && <p class="error">{error}</p>}
    </details>
  );
}
