import { PolicyError } from './policy-error.js';

export type PortsInput = string | number | readonly (string | number)[] | undefined;

const MAX_PORT = 65535;

/**
 * Parses "80,443,8000-8080" (or a number, or a list of numbers / such strings) into sorted, merged inclusive
 * ranges [lo, hi, lo, hi, ...]. Empty or undefined input means any port and yields [].
 */
export function parsePorts(input: PortsInput, max = MAX_PORT): number[] {
  if (input === undefined) return [];
  const items = typeof input === 'string' || typeof input === 'number' ? [input] : input;
  if (!Array.isArray(items)) throw invalid(input, 'expected a string, number or list');
  const ranges: [number, number][] = [];
  for (const item of items as readonly unknown[]) {
    if (typeof item === 'number') {
      ranges.push([checkPort(item, input, max), checkPort(item, input, max)]);
    } else if (typeof item === 'string') {
      for (const part of item.split(',')) {
        const text = part.trim();
        if (text === '') {
          if (item.trim() === '') continue;
          throw invalid(input, 'empty list element');
        }
        ranges.push(parseRange(text, input, max));
      }
    } else {
      throw invalid(input, 'expected a string or number');
    }
  }
  return mergeRanges(ranges);
}

function parseRange(text: string, input: unknown, max: number): [number, number] {
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
  if (!m) throw invalid(input, `"${text}" is not a port or range`);
  const lo = checkPort(Number(m[1]), input, max);
  const hi = m[2] === undefined ? lo : checkPort(Number(m[2]), input, max);
  if (lo > hi) throw invalid(input, `range "${text}" is reversed`);
  return [lo, hi];
}

function checkPort(n: number, input: unknown, max: number): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw invalid(input, `${n} is outside 0-${max}`);
  return n;
}

function mergeRanges(ranges: [number, number][]): number[] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of ranges) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function invalid(value: unknown, reason: string): PolicyError {
  return new PolicyError('invalid-ports', `invalid ports: ${reason}`, { value, reason });
}
