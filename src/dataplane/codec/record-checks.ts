import { BatchError } from './batch-errors.js';
import { isIcmp } from './packet-batch.js';

/**
 * What is wrong with a binary record's fixed fields, or undefined: dir 0 or 1, family 4 or 6, an ICMP
 * type and code within a byte, an ICMP identifier only on ICMP. Allocates only for a bad record.
 */
export function recordProblem(
  i: number,
  dir: number,
  family: number,
  proto: number,
  sport: number,
  dport: number,
  icmpId: number,
): BatchError | undefined {
  if (dir > 1) return new BatchError(i, 'dir', `${dir} is not 0 (out) or 1 (in)`);
  if (family !== 4 && family !== 6) return new BatchError(i, 'family', `${family} is not 4 or 6`);
  if (!isIcmp(proto))
    return icmpId === 0
      ? undefined
      : new BatchError(i, 'icmpId', `${icmpId} must be 0 unless proto is ICMP (1) or ICMPv6 (58)`);
  if (sport > 0xff) return new BatchError(i, 'sport', `ICMP type ${sport} is not in 0..255`);
  if (dport > 0xff) return new BatchError(i, 'dport', `ICMP code ${dport} is not in 0..255`);
  return undefined;
}
