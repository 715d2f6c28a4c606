/** Runs the built CLI as a pipeline would: a child process, the token in its environment only. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/omniwall.mjs');

export interface CliEnv {
  OMNIWALL_URL: string;
  OMNIWALL_TOKEN: string;
  OMNIWALL_TENANT?: string;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  env: CliEnv,
  args: string[],
): { child: ChildProcess; out: CliRun; done: Promise<CliRun> } {
  const { OMNIWALL_TENANT: _t, OMNIWALL_URL: _u, OMNIWALL_TOKEN: _k, ...rest } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...rest, ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: CliRun = { code: null, stdout: '', stderr: '' };
  child.stdout!.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out.stderr += b.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ ...out, code })));
  return { child, out, done };
}

export const cli = (env: CliEnv, ...args: string[]) => startCli(env, args).done;
