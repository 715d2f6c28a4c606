import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { CliError } from './cli-error.js';

/** One document as read: where it came from and its plain value. */
export interface SourceDocument {
  file: string;
  /** 1-based position within its file */
  index: number;
  /** 1-based line it starts on */
  line: number;
  value: unknown;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** The files under `target` (itself, or a folder's YAML and JSON files, recursively, in name order). */
export function documentFiles(target: string): string[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new CliError(`${target}: no such file or folder`);
  }
  if (stat.isFile()) return [target];
  const files: string[] = [];
  for (const name of readdirSync(target).sort()) {
    if (name.startsWith('.')) continue;
    const full = path.join(target, name);
    if (statSync(full).isDirectory()) files.push(...documentFiles(full));
    else if (EXTENSIONS.has(path.extname(name).toLowerCase())) files.push(full);
  }
  return files;
}

/** Every document of a file: YAML may hold several, `---` apart; a JSON file holds one, or an array of them. */
export function readDocuments(file: string): SourceDocument[] {
  const text = readFileSync(file, 'utf8');
  if (path.extname(file).toLowerCase() === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new CliError(`${file}: not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const values = Array.isArray(value) ? value : [value];
    return values.map((v, i) => ({ file, index: i + 1, line: 1, value: v }));
  }
  const lines = new LineCounter();
  const out: SourceDocument[] = [];
  parseAllDocuments(text, { lineCounter: lines, prettyErrors: true }).forEach((doc, i) => {
    const line = lines.linePos(doc.range[0]).line;
    if (doc.errors.length)
      throw new CliError(`${file} document ${i + 1} (line ${line}): not YAML: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    // an empty document (a trailing `---`, a file of comments) is nothing to apply
    if (value !== null && value !== undefined) out.push({ file, index: i + 1, line, value });
  });
  return out;
}

export function loadDocuments(targets: string[]): SourceDocument[] {
  const files = targets.flatMap(documentFiles);
  if (files.length === 0) throw new CliError(`${targets.join(', ')}: no .yaml, .yml or .json files`);
  return files.flatMap(readDocuments);
}
