/** IPv4 and IPv6 parsing into numbers; no I/O. IPv6 addresses are four big-endian 32-bit words. */

export type Family = 4 | 6;

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses dotted-quad IPv4 to an unsigned 32-bit number, or returns null. */
export function parseIPv4(text: string): number | null {
  const m = V4.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part[0] === '0') return null;
    const b = Number(part);
    if (b > 255) return null;
    n = n * 256 + b;
  }
  return n >>> 0;
}

export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses IPv6 (with ::, and an embedded IPv4 tail) into four words, or returns null. */
export function parseIPv6(text: string): [number, number, number, number] | null {
  if (text.length < 2 || text.length > 45 || !text.includes(':')) return null;
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > lastColon) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return null;
  const given = left.length + right.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return null;
    groups = [...left, ...new Array<number>(8 - given).fill(0), ...right, ...tail];
  } else {
    if (given !== 8) return null;
    groups = [...left, ...tail];
  }
  const w = (i: number) => ((groups[i]! << 16) | groups[i + 1]!) >>> 0;
  return [w(0), w(2), w(4), w(6)];
}

export function formatIPv6(w: ArrayLike<number>, off = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 4; i++) {
    const x = w[off + i]! >>> 0;
    g.push(x >>> 16, x & 0xffff);
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export type ParsedAddress = { family: 4; v4: number } | { family: 6; v6: [number, number, number, number] };

export function parseIP(text: string): ParsedAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, v4 };
  const v6 = parseIPv6(text);
  if (v6 !== null) return { family: 6, v6 };
  return null;
}

/** An inclusive range of one family: v4 as [lo, hi], v6 as [lo0..lo3, hi0..hi3]. */
export type ParsedCidr = { family: 4; lo: number; hi: number } | { family: 6; lo: number[]; hi: number[] };

/** Parses "a.b.c.d/len", "x::/len" or a single address. Host bits beyond the prefix are rejected. */
export function parseCidr(text: string): ParsedCidr | null {
  const slash = text.indexOf('/');
  const addr = parseIP(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return null;
  const max = addr.family === 4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const l = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(l)) return null;
    len = Number(l);
    if (len > max) return null;
  }
  if (addr.family === 4) {
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if ((addr.v4 & ~mask) >>> 0 !== 0) return null;
    return { family: 4, lo: addr.v4, hi: (addr.v4 | ~mask) >>> 0 };
  }
  const lo: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < 4; i++) {
    const bits = Math.max(0, Math.min(32, len - i * 32));
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const w = addr.v6[i]!;
    if ((w & ~mask) >>> 0 !== 0) return null;
    lo.push(w);
    hi.push((w | ~mask) >>> 0);
  }
  return { family: 6, lo, hi };
}

/** The canonical text of an address (lower-case, compressed IPv6), or null when it is not one. */
export function canonicalIp(text: string): string | null {
  const a = parseIP(text);
  if (!a) return null;
  return a.family === 4 ? formatIPv4(a.v4) : formatIPv6(a.v6);
}
