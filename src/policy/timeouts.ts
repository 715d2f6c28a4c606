import type { ConntrackTimeouts } from './types.js';

/** Linux nf_conntrack defaults, in seconds. */
export const DEFAULT_TIMEOUTS: Readonly<ConntrackTimeouts> = Object.freeze({
  tcpSynSent: 120,
  tcpSynRecv: 60,
  tcpEstablished: 432000,
  tcpFinWait: 120,
  tcpCloseWait: 60,
  tcpLastAck: 30,
  tcpTimeWait: 120,
  tcpClose: 10,
  udpUnreplied: 30,
  udpAssured: 120,
  icmp: 30,
});

/** The defaults with the tenant's overrides applied; unset or non-positive overrides are ignored. */
export function effectiveTimeouts(overrides: Partial<ConntrackTimeouts> = {}): ConntrackTimeouts {
  const out: ConntrackTimeouts = { ...DEFAULT_TIMEOUTS };
  for (const key of Object.keys(DEFAULT_TIMEOUTS) as (keyof ConntrackTimeouts)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[key] = value;
  }
  return out;
}
