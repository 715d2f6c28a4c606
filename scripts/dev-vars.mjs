// Hands secrets to `wrangler dev` through a dotenv file (mode 0600) instead of `--var`, which `ps` shows.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

const lineOf = (key) => new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`);

/** dotenv keeps single- and backtick-quoted values literal; double quotes would expand `\n`. */
function quoted(key, value) {
  if (/[\r\n]/.test(value)) throw new Error(`${key} must be a single line`);
  for (const q of ["'", '`']) if (!value.includes(q)) return `${q}${value}${q}`;
  if (!value.includes('"') && !value.includes('\\')) return `"${value}"`;
  throw new Error(`${key} cannot be written to a dotenv file (it holds ', \` and " or \\)`);
}

export function readDevVar(file, key) {
  if (!existsSync(file)) return undefined;
  return parseEnv(readFileSync(file, 'utf8'))[key];
}

/** Sets `key` in the file, keeping every other line as its author wrote it; the file ends up mode 0600. */
export function setDevVar(file, key, value) {
  const line = `${key}=${quoted(key, value)}`;
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  if (lines.at(-1) === '') lines.pop();
  const kept = [];
  for (const l of lines) {
    if (!lineOf(key).test(l)) kept.push(l);
    else if (!kept.includes(line)) kept.push(line);
  }
  if (!kept.includes(line)) kept.push(line);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${kept.join('\n')}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600); // exactly 0600 whatever the umask; the rename keeps this mode
  renameSync(tmp, file);
}
