import { parseConfigText } from '../../pipeline/config/load.ts';
import type { VerifyConfig } from '../../pipeline/config/sections/verify.ts';
import { decodeFile, type RunCodeResponse } from '../../pipeline/sandbox/contract.ts';

/** The verify section from YAML text, defaults filled in exactly as a real run gets them. */
export function verifyConfig(yaml = ''): VerifyConfig {
  const result = parseConfigText(yaml);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config.verify;
}

/** A small, fast pool for tests: two workers, tight limits. */
export const testPoolYaml = `verify:
  pool_size: 2
  limits:
    memory_limit_mb: 2048
    max_processes: 32
    max_file_mb: 16
    max_output_bytes: 65536
`;

export function fetched(response: RunCodeResponse, path: string): string | undefined {
  const content = response.files[path];
  return content === undefined ? undefined : decodeFile(content).toString('utf8');
}

/** Processes owned by a uid, read from /proc (what a leaked fork bomb would leave). */
export async function processesOf(uids: readonly number[]): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = await readFile(`/proc/${entry}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (uids.includes(uid)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Command lines of every process on this machine (space-joined argv), from /proc. */
export async function commandLines(): Promise<string[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const lines: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (text) lines.push(text.replace(/\0$/, '').replaceAll('\0', ' '));
  }
  return lines;
}
