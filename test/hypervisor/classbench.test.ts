import { classBenchRule } from '../classbench-policy.js';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createTenant, issueToken, ok } from '../api/client.js';
import { hypervisor, workload } from '../api/fixtures.js';

function lines(text: string) {
  return text.split('\n').filter((l) => l.trim() !== '');
}

const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

/** A trace header as a packet; ICMP as an echo request, other non-TCP/UDP protocols without ports. */
function toPacket(line: string) {
  const [sa, da, sp, dp, proto] = line.split('\t').map(Number);
  const base = { vnic: 'cb-eth0', dir: 'out', src: ip(sa!), dst: ip(da!), proto: proto! };
  if (proto === 6 || proto === 17) return { ...base, sport: sp, dport: dp };
  if (proto === 1) return { ...base, type: 8, code: 0, id: 1 };
  return base;
}

describe('ClassBench acl1_1k through the HTTP API', () => {
  it('answers the true first-match rule for every trace header', async () => {
    await createTenant('cb');
    await hypervisor('cb-hv');
    await workload('cb', 'cb', 'cb-hv', ['10.255.255.254']);
    const rules = lines(env.CLASSBENCH_RULES).map(classBenchRule);
    await ok(
      call('PUT', '/v1/tenants/cb/policies/acl', {
        body: { category: 'application', priority: 1, stateful: false, rules },
      }),
      201,
    );
    const agent = await issueToken('agent', { hypervisor: 'cb-hv' });
    const trace = lines(env.CLASSBENCH_TRACE).map(toPacket);
    const oracle = lines(env.CLASSBENCH_FIRSTMATCH).map((l) => `r${l.trim()}`);
    expect(trace.length).toBe(8780);
    const got: string[] = [];
    for (let i = 0; i < trace.length; i += 4000) {
      const r = await ok(
        call('POST', '/v1/hypervisors/cb-hv/packets', {
          token: agent,
          body: { packets: trace.slice(i, i + 4000) },
        }),
      );
      for (const v of r.body.verdicts) got.push(v.rule);
    }
    const mismatches = got.map((rule, i) => (rule === oracle[i] ? -1 : i)).filter((i) => i >= 0);
    expect(mismatches.slice(0, 5).map((i) => ({ i, got: got[i], want: oracle[i] }))).toEqual([]);
    expect(got.length).toBe(oracle.length);
  });
});
