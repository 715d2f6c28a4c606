import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/api/csv.js';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor } from '../api/fixtures.js';
import { send, webDbScenario, type Packet } from '../hypervisor/scenario.js';

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes, equal field counts. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`record must end in CRLF at ${i}`);
    i += 2;
    rows.push(row);
    if (rows[0]!.length !== row.length) throw new Error(`record ${rows.length} has ${row.length} fields`);
    row = [];
    if (i === text.length) return rows;
  }
}

const records = (rows: string[][]) =>
  rows.slice(1).map((r) => Object.fromEntries(rows[0]!.map((h, k) => [h, r[k]!])));

const TRICKY = 'a, "quoted"\nname';

describe('evidence export', () => {
  it('quotes CSV cells per RFC 4180 and neutralizes formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
    expect(parseCsv(`${csvCell(TRICKY)},${csvCell('=x')}\r\n`)).toEqual([[TRICKY, "'=x"]]);
  });

  it('exports the audit log of a range as CSV and JSON, every page of it', async () => {
    await createTenant('ex1');
    await hypervisor('ex1-hv');
    const auditor = await issueToken('auditor', { tenant: 'ex1' });
    // a sync of up to 100 workloads writes one audit entry per workload: 11 of them fill more than one page
    for (let s = 0; s < 11; s++) {
      const workloads = Array.from({ length: 100 }, (_, k) => {
        const i = s * 100 + k;
        return {
          id: i === 0 ? '-1cmd' : `w${i}`,
          name: i === 0 ? TRICKY : `=cmd|' /C calc'!A0`,
          hypervisor: 'ex1-hv',
          vnics: [{ id: `w${i}-eth0`, ips: [`10.1.${i >> 8}.${i & 255}`] }],
        };
      });
      await ok(call('PUT', `/v1/tenants/ex1/inventory/src-${s}`, { body: { workloads } }));
    }
    const csv = await call('GET', '/v1/tenants/ex1/audit?format=csv', { token: auditor });
    expect(csv.status, JSON.stringify(csv.body)).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-ex1-start-\d{8}T\d{6}Z\.csv"$/,
    );
    const rows = parseCsv(csv.body as string);
    expect(rows[0]).toEqual(
      expect.arrayContaining(['seq', 'at', 'actor', 'action', 'object_kind', 'object_id', 'after']),
    );
    const entries = records(rows);
    const created = entries.filter((e) => e.object_kind === 'workload');
    expect(created).toHaveLength(1100);
    expect(entries.length).toBeGreaterThan(1000);
    const seqs = entries.map((e) => Number(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    const first = created.find((e) => e.object_id === "'-1cmd")!;
    expect(first, 'a leading - is neutralized').toBeDefined();
    expect(JSON.parse(first.after!).name).toBe(TRICKY);

    const json = await call('GET', '/v1/tenants/ex1/audit?format=json', { token: auditor });
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(json.headers.get('content-disposition')).toMatch(/\.json"$/);
    expect(json.body.items).toHaveLength(entries.length);
    expect(json.body.items.find((e: { object: { id: string } }) => e.object.id === '-1cmd').after.name).toBe(
      TRICKY,
    );
    expect(json.body.until).toEqual(expect.any(String));
  });

  it('keeps to since and until, inclusive, and refuses bad ranges', async () => {
    await createTenant('ex3');
    for (const id of ['a', 'b', 'c', 'd']) {
      await ok(call('PUT', `/v1/hypervisors/ex3-${id}`, { body: { name: id } }), 201);
      await ok(
        call('PUT', `/v1/tenants/ex3/services/s-${id}`, {
          body: { entries: [{ proto: 'tcp', ports: '80' }] },
        }),
        201,
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    const all = (await ok(call('GET', '/v1/tenants/ex3/audit?object=service'))).body.items as {
      seq: number;
      at: string;
    }[];
    expect(all).toHaveLength(4);
    const [newest, , mid, oldest] = all;
    const q = (extra: string) => call('GET', `/v1/tenants/ex3/audit?object=service&format=json&${extra}`);
    const range = await ok(q(`since=${oldest!.at}&until=${mid!.at}`));
    expect(range.body.items.map((e: { seq: number }) => e.seq)).toEqual(
      all.filter((e) => e.at >= oldest!.at && e.at <= mid!.at).map((e) => e.seq),
    );
    const after = await ok(q(`since=${newest!.at}`));
    expect(after.body.items.map((e: { seq: number }) => e.seq)).toEqual([newest!.seq]);
    const none = await call('GET', `/v1/tenants/ex3/audit?format=csv&until=2001-01-01T00:00:00Z`);
    expect(parseCsv(none.body as string)).toHaveLength(1);

    const bad = [
      `format=csv&since=${newest!.at}&until=${oldest!.at}`,
      'format=csv&until=yesterday',
      'format=xml',
      'format=csv&limit=10',
    ];
    for (const query of bad) {
      const r = await call('GET', `/v1/tenants/ex3/audit?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error.message, query).toMatch(/since|until|format|limit/);
      const f = await call('GET', `/v1/tenants/ex3/flowlogs?${query}`);
      expect(f.status, query).toBe(400);
    }
    const other = await issueToken('auditor', { tenant: 'ex1' });
    expect((await call('GET', '/v1/tenants/ex3/audit?format=csv', { token: other })).status).toBe(404);
    expect((await call('GET', '/v1/tenants/ex3/flowlogs?format=csv', { token: null })).status).toBe(401);
  });

  it('exports the flow log merged over hypervisors, newest first, within the range', async () => {
    const { hvA, hvB, agentA, agentB } = await webDbScenario('ex2');
    const out = (sport: number): Packet => ({
      vnic: 'web-1-eth0',
      dir: 'out',
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: 6,
      sport,
      dport: 5432,
      flags: 'S',
    });
    const inbound = (sport: number): Packet => ({ ...out(sport), vnic: 'db-1-eth0', dir: 'in' });
    await send(
      hvA,
      agentA,
      Array.from({ length: 1500 }, (_, i) => out(20000 + i)),
    );
    await send(
      hvB,
      agentB,
      Array.from({ length: 700 }, (_, i) => inbound(20000 + i)),
    );
    const t0 = Date.now();
    // an hour later on both hypervisors' clocks
    for (const h of [hvA, hvB]) await env.HYPERVISOR.get(env.HYPERVISOR.idFromName(h)).advanceClock(3600);
    await send(hvA, agentA, [out(30000), out(30001)]);
    await send(hvB, agentB, [inbound(30000)]);
    const auditor = await issueToken('auditor', { tenant: 'ex2' });

    const csv = await call('GET', '/v1/tenants/ex2/flowlogs?format=csv', { token: auditor });
    expect(csv.status, JSON.stringify(csv.body)).toBe(200);
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="flowlog-ex2-start-.*\.csv"$/,
    );
    // until defaults to the request's time: the entries an hour ahead on the objects' clocks are not yet due
    const rows = records(parseCsv(csv.body as string));
    expect(rows).toHaveLength(2200);
    expect(rows.filter((r) => r.hypervisor === hvB)).toHaveLength(700);
    const ats = rows.map((r) => Date.parse(r.at!));
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
    expect(rows[0]).toMatchObject({
      tenant: 'ex2',
      src: '10.0.1.5',
      dst: '10.0.2.7',
      proto: '6',
      rule: 'web-to-db',
    });

    const mid = new Date(t0 + 1800_000).toISOString();
    const later = await ok(
      call('GET', `/v1/tenants/ex2/flowlogs?format=json&since=${mid}&until=2100-01-01T00:00:00Z`, {
        token: auditor,
      }),
    );
    expect(
      later.body.items.map((e: { hypervisor: string; sport: number }) => `${e.hypervisor}:${e.sport}`).sort(),
    ).toEqual([`${hvA}:30000`, `${hvA}:30001`, `${hvB}:30000`].sort());
    const earlier = await ok(
      call('GET', `/v1/tenants/ex2/flowlogs?format=json&until=${mid}&hypervisor=${hvB}`, { token: auditor }),
    );
    expect(earlier.body.items).toHaveLength(700);
    const listed = await ok(call('GET', `/v1/tenants/ex2/flowlogs?until=${mid}&limit=5`, { token: auditor }));
    expect(listed.body.items.every((e: { at: string }) => e.at <= mid)).toBe(true);
  });
});
