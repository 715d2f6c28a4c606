import type { AddressMatch, ServiceMatch } from '../../compiler/types.js';
import { ClassifierError } from './classifier-error.js';
import type { ClassifierRule } from './types.js';

const TCP = 6;
const UDP = 17;

/**
 * A ClassBench header trace as parallel typed arrays. `label` is the rule a header was drawn from,
 * not its first match.
 */
export interface ClassBenchTrace {
  length: number;
  src: Uint32Array;
  dst: Uint32Array;
  sport: Uint16Array;
  dport: Uint16Array;
  proto: Uint8Array;
  label: Int32Array;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

function bad(line: number, why: string): ClassifierError {
  return new ClassifierError('invalid-classbench', `line ${line + 1}: ${why}`);
}

function prefix(text: string, line: number): AddressMatch {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(text);
  const octets = m ? [m[1], m[2], m[3], m[4]].map(Number) : [];
  const len = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || len > 32) throw bad(line, `bad prefix ${text}`);
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - len);
  const lo = addr - (addr % size);
  return { any: false, negate: false, set: { v4: [lo, lo + size - 1], v6: [] } };
}

function portRange(text: string, line: number): number[] {
  const m = /^(\d+) : (\d+)$/.exec(text.trim());
  if (!m) throw bad(line, `bad port range ${text}`);
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  return lo === 0 && hi === 0xffff ? [] : [lo, hi];
}

function service(protoText: string, sportText: string, dportText: string, line: number): ServiceMatch {
  const m = /^0x([0-9a-fA-F]{2})\/0x(00|FF|ff)$/.exec(protoText.trim());
  if (!m) throw bad(line, `bad protocol ${protoText}`);
  const proto = m[2] === '00' ? -1 : parseInt(m[1]!, 16);
  const sport = portRange(sportText, line);
  const dport = portRange(dportText, line);
  const portsApply = proto === TCP || proto === UDP;
  return { proto, sport: portsApply ? sport : [], dport: portsApply ? dport : [] };
}

/** Parses ClassBench filter TEXT (`@src dst sport dport proto flags` per line); flags are ignored. */
export function parseClassBenchRules(text: string): ClassifierRule[] {
  return lines(text).map((raw, line) => {
    const f = raw.replace(/^@/, '').split('\t');
    if (f.length < 5) throw bad(line, 'expected at least 5 tab-separated fields');
    return {
      src: prefix(f[0]!, line),
      dst: prefix(f[1]!, line),
      services: [service(f[4]!, f[2]!, f[3]!, line)],
    };
  });
}

/** Parses ClassBench trace TEXT: `src dst sport dport proto flags label` per line; flags are ignored. */
export function parseClassBenchTrace(text: string): ClassBenchTrace {
  const rows = lines(text);
  const n = rows.length;
  const trace: ClassBenchTrace = {
    length: n,
    src: new Uint32Array(n),
    dst: new Uint32Array(n),
    sport: new Uint16Array(n),
    dport: new Uint16Array(n),
    proto: new Uint8Array(n),
    label: new Int32Array(n),
  };
  rows.forEach((row, i) => {
    const f = row.trim().split(/\s+/).map(Number);
    if (f.length < 7 || f.some((x) => !Number.isInteger(x) || x < 0))
      throw bad(i, 'expected 7 unsigned integers');
    const [src, dst, sport, dport, proto, , label] = f as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (src > 0xffffffff || dst > 0xffffffff || sport > 0xffff || dport > 0xffff || proto > 255) {
      throw bad(i, 'field out of range');
    }
    trace.src[i] = src;
    trace.dst[i] = dst;
    trace.sport[i] = sport;
    trace.dport[i] = dport;
    trace.proto[i] = proto;
    trace.label[i] = label;
  });
  return trace;
}

/** Parses a `.firstmatch` oracle: one 0-based rule index (or -1) per line. */
export function parseFirstMatch(text: string): Int32Array {
  return Int32Array.from(lines(text), (l) => Number(l.trim()));
}
