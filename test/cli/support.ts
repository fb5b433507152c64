import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type CliResult, runCli } from '../support/cli.ts';

export const cli = join(process.cwd(), 'bin/dare-forge.js');
export const fixtures = join(process.cwd(), '../shared/fixtures/kaggle');

export type { CliResult };

/** Runs the real CLI to completion (plain progress lines, as in CI). */
export function dareForge(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  return runCli(args, {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, CI: 'true', ...options.env },
  });
}

/** Starts the real CLI and exposes its output as it arrives, for tests that send it signals. */
export function startCli(
  args: string[],
  options: { ownGroup?: boolean } = {},
): {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  waitFor: (pattern: RegExp) => Promise<void>;
  exited: Promise<number | null>;
} {
  // ownGroup: the CLI leads its own process group, so a test can signal the group as a terminal does.
  const child = spawn('node', [cli, ...args], {
    env: { ...process.env, CI: 'true' },
    detached: options.ownGroup ?? false,
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        exited.then(() => reject(new Error(`exited before ${pattern}:\n${stderr}`)));
      }),
    exited,
  };
}

/** A mirror config over `n` fixture datasets with outputs under `root`. */
export function mirrorConfig(root: string, n = 3, extra = ''): string {
  return `source:\n  kind: mirror\n  mirror: ${fixtures}\n  max_datasets: ${n}\nrun:\n  concurrency: 1\npaths:\n  raw: ${root}/raw\n  processed: ${root}/processed\n  splits: ${root}/splits\n${extra}`;
}
