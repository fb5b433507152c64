import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rigEnv } from './rig/servers.ts';

const repoRoot = join(import.meta.dirname, '../..');

export interface KillPoint {
  stage: string;
  /** Kill once this many datasets of the stage have finished. */
  after: number;
}

export interface Monitored {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Peak resident memory of the pipeline process itself (VmHWM, sampled until it ends). */
  peakRssKb: number;
  /** Peak of the summed RSS of the pipeline process and its children (sandbox workers). */
  peakTreeRssKb: number;
  killed: boolean;
  stdout: string;
}

async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The pids of a process and all its descendants, from /proc. */
async function tree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the ppid is the 2nd field after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === out[i]) out.push(pid);
  }
  return out;
}

/**
 * Runs `dare-forge <args>` as its own process, sampling its memory once a second, and
 * optionally SIGKILLs it when a stage's progress lines reach the kill point.
 */
export function runPipeline(args: readonly string[], kill?: KillPoint): Promise<Monitored> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(repoRoot, 'bin/dare-forge.js'), ...args], {
    cwd: repoRoot,
    env: rigEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid as number;
  let peakRssKb = 0;
  let peakTreeRssKb = 0;
  let killed = false;
  let stdout = '';
  let sampling = false;
  const sample = async () => {
    if (sampling) return;
    sampling = true;
    peakRssKb = Math.max(peakRssKb, await statusKb(pid, 'VmHWM'));
    let sum = 0;
    for (const member of await tree(pid)) sum += await statusKb(member, 'VmRSS');
    peakTreeRssKb = Math.max(peakTreeRssKb, sum);
    sampling = false;
  };
  const timer = setInterval(() => void sample(), 1000);
  const progress = new RegExp(`^\\[${kill?.stage ?? '-'}\\] (\\d+)/\\d+ `);
  let pending = '';
  const onText = (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      stdout += `${line}\n`;
      const done = Number(progress.exec(line)?.[1] ?? 0);
      if (kill && !killed && done >= kill.after) {
        killed = true;
        // Read the high-water mark before the process goes.
        void sample().then(() => child.kill('SIGKILL'));
      }
    }
  };
  child.stdout.on('data', onText);
  child.stderr.on('data', onText);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', async (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, wallMs: Date.now() - started, peakRssKb, peakTreeRssKb, killed, stdout });
    });
  });
}
