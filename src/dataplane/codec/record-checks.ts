import { BatchError } from './batch-errors.js';
import { isIcmp } from './packet-batch.js';

/**
 * Whether a binary record's fixed fields are out of range: dir 0 or 1, family 4 or 6, an ICMP type and
 * code within a byte, an ICMP identifier only on ICMP. Cheap enough to test every record; the caller then
 * throws recordError, which names the field.
 */
export function recordIsBad(
  dir: number,
  family: number,
  proto: number,
  sport: number,
  dport: number,
  icmpId: number,
): boolean {
  if (dir > 1 || (family !== 4 && family !== 6)) return true;
  return isIcmp(proto) ? (sport | dport) > 0xff : icmpId !== 0;
}

/** The BatchError for record i that recordIsBad refused. */
export function recordError(
  i: number,
  dir: number,
  family: number,
  proto: number,
  sport: number,
  dport: number,
  icmpId: number,
): BatchError {
  if (dir > 1) return new BatchError(i, 'dir', `${dir} is not 0 (out) or 1 (in)`);
  if (family !== 4 && family !== 6) return new BatchError(i, 'family', `${family} is not 4 or 6`);
  if (!isIcmp(proto))
    return new BatchError(i, 'icmpId', `${icmpId} must be 0 unless proto is ICMP (1) or ICMPv6 (58)`);
  return sport > 0xff
    ? new BatchError(i, 'sport', `ICMP type ${sport} is not in 0..255`)
    : new BatchError(i, 'dport', `ICMP code ${dport} is not in 0..255`);
}
