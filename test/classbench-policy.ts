/** ClassBench filter sets as omniwall policy rules (inline CIDRs and an inline service), for tests and benches. */

const range = (text: string) => {
  const [lo, hi] = text.split(':').map((x) => Number(x.trim()));
  return lo === hi ? String(lo) : `${lo}-${hi}`;
};

/** One ClassBench filter line as the body of rule `r<i>`. */
export function classBenchRule(line: string, i: number) {
  const [sa, da, sp, dp, proto] = line.replace(/^@/, '').split('\t');
  const [value, mask] = proto!.split('/').map((x) => parseInt(x, 16));
  const services =
    mask === 0
      ? []
      : value === 6 || value === 17
        ? [{ proto: value, sourcePorts: range(sp!), ports: range(dp!) }]
        : [{ proto: value }];
  return {
    id: `r${i}`,
    sources: { cidrs: [sa!] },
    destinations: { cidrs: [da!] },
    services,
    action: 'allow',
  };
}

/** The set's lines, repeated under fresh ids up to `n` rules. */
export function classBenchRules(text: string, n: number) {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return Array.from({ length: n }, (_, i) => classBenchRule(lines[i % lines.length]!, i));
}
