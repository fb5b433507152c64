import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCodeResponseSchema } from '../../pipeline/sandbox/contract.ts';
import { commandLines } from './support.ts';

const PROBE = join(import.meta.dirname, 'pool-probe.ts');
const ROOT = join(import.meta.dirname, '../..');

function probe(code: string, user?: { uid: number; gid: number }) {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', PROBE, code], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: tmpdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const daemons = async (seconds: string) =>
  (await commandLines()).filter((line) => line === `/bin/sleep ${seconds}`);

describe('a pool in its own process', () => {
  it('leaves no job file and no job process behind when it is SIGKILLed mid-job', async () => {
    const before = new Set(await readdir(tmpdir()));
    const code = [
      "open('out.txt', 'w').write('x' * 100000)",
      "open('/tmp/scratch.bin', 'wb').write(b'y' * 100000)",
      "import subprocess, time; subprocess.Popen(['/bin/sleep', '757'], start_new_session=True)",
      'time.sleep(50)',
    ].join('\n');
    const pool = probe(code);
    await waitFor(async () => (await daemons('757')).length > 0, 'the job to start its daemon');
    pool.child.kill('SIGKILL');
    await pool.exited;
    await waitFor(async () => (await daemons('757')).length === 0, 'the job daemon to die with the pool');
    const created = (await readdir(tmpdir())).filter((name) => !before.has(name));
    expect(created.filter((name) => name.startsWith('dare-forge-sandbox'))).toEqual([]);
  });

  it('isolates jobs the same way when the pool runs as an unprivileged user', async () => {
    // As root, run the pool as nobody; as any other user, as ourselves: both mean non-root mode.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    const code = [
      'import ctypes, json, os',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'written = 0',
      'try:',
      '    for index in range(100000):',
      "        open(f'f{index}', 'wb').write(b'x' * 4096); written += 4096",
      'except OSError as error:',
      '    full = error.errno',
      "os.remove('f0'); open('out.txt', 'w').write('kept')",
      'print(json.dumps({',
      "    'uid': os.getuid(), 'pid': os.getpid(), 'root': sorted(os.listdir('/')),",
      "    'proc': os.listdir('/proc'), 'inputs': open('input.csv').read(),",
      "    'ptrace': [libc.ptrace(16, pid, 0, 0) for pid in range(2, 40)], 'full': full, 'written': written,",
      '}))',
    ].join('\n');
    const pool = probe(code, user);
    expect(await pool.exited).toBe(0);
    const { stdout } = pool.output();
    const answer = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    const response = runCodeResponseSchema.parse(answer.response);
    expect(response.run_result?.stderr).toBe('');
    const seen = JSON.parse(response.run_result?.stdout ?? '{}');
    expect(seen.uid).toBe(user?.uid ?? process.getuid?.());
    expect(seen.pid).toBe(1);
    expect(seen.root).toEqual([
      'bin',
      'dev',
      'etc',
      'lib',
      'lib64',
      'opt',
      'proc',
      'sbin',
      'sys',
      'tmp',
      'usr',
    ]);
    expect(seen.proc).toEqual([]);
    expect(seen.inputs).toBe('a,b\n1,2\n');
    expect(new Set(seen.ptrace)).toEqual(new Set([-1]));
    expect(seen.full).toBe(28);
    // The quota plus the page rounding room quota_for gives the inputs (under 128 KiB).
    expect(seen.written).toBeLessThanOrEqual((4 * 1024 + 128) * 1024);
    expect(seen.written).toBeGreaterThan(3 * 1024 * 1024);
    expect(Buffer.from(response.files['out.txt'] ?? '', 'base64').toString()).toBe('kept');
    expect(response.blocked_attempts?.map((attempt) => attempt.kind)).toEqual(['process', 'disk_quota']);
  });
});
