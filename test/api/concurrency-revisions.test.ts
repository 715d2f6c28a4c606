import { describe, expect, it } from 'vitest';
import { call } from './client.js';
import { tenantWithEditor } from './fixtures.js';
import { items } from './invariants.js';

describe(
  'under concurrent writers without If-Match: concurrent writers each commit their own revision',
  { timeout: 120_000 },
  () => {
    it('many concurrent writers of one tenant each commit their own revision', async () => {
      const t = { id: 'race-many', ...(await tenantWithEditor('race-many')) };
      const start = (await call('GET', `/v1/tenants/${t.id}`, { token: t.editor })).body.revision as number;
      const writes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call('PUT', `/v1/tenants/${t.id}/workloads/w${i}`, {
            token: t.editor,
            body: { hypervisor: 'hv-2', vnics: [{ id: `w${i}-eth0`, ips: [`10.2.0.${i + 1}`] }] },
            headers: { prefer: 'respond-async' },
          }),
        ),
      );
      expect(writes.map((w) => w.status)).toEqual(Array(12).fill(201));
      const revisions = writes
        .map((w) => Number(w.headers.get('etag')!.replaceAll('"', '')))
        .sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 12 }, (_, i) => start + 1 + i));
      expect(await items(t, 'workloads')).toHaveLength(12);
    });
  },
);
