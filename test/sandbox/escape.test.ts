import { execFile } from 'node:child_process';
import { access, readFile, realpath } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFile } from '../../pipeline/sandbox/contract.ts';
import {
  type EnvironmentFingerprint,
  environmentFingerprint,
  fingerprintSchema,
} from '../../pipeline/sandbox/fingerprint.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import type { LocalExecutor } from '../../pipeline/sandbox/local-executor.ts';
import { testdir } from '../support/testdir.ts';
import { commandLines, processesOf, verifyConfig } from './support.ts';

const exec = promisify(execFile);
const FINGERPRINT = join(import.meta.dirname, '../../verifiers/fingerprint.py');
const MAX_DISK_MB = 8;
const config = verifyConfig(`verify:
  pool_size: 2
  limits:
    memory_limit_mb: 2048
    max_processes: 32
    max_disk_mb: ${MAX_DISK_MB}
    max_output_bytes: 65536
`);
const task = join(import.meta.dirname, '../../../shared/fixtures/dare-eval/databases');
const taskName = 'muhammadwaqas023_pipeline-dataset-in-oil-and-gas-sector_class';
let executor: LocalExecutor;
const servers: Server[] = [];

beforeAll(async () => {
  executor = await createLocalExecutor(config);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await executor?.close();
});

/** A server on the host that counts who reached it. */
async function listening(address: string | { port: 0; host: '127.0.0.1' }) {
  const state = { connections: 0, port: 0 };
  const server = createServer((socket) => {
    state.connections++;
    socket.end('host secret\n');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(address, resolve));
  const bound = server.address();
  if (bound && typeof bound === 'object') state.port = bound.port;
  return state;
}

const runJob = (code: string, files: Record<string, string> = {}, run_timeout = 60) =>
  executor.runCode({ code, files, run_timeout });

describe('a job written to escape the sandbox', () => {
  it('is blocked at every escape, and the harness names what it tried', async () => {
    const marker = `dare-forge-escape-${process.pid}-${Date.now()}`;
    const host = await testdir({ 'secret.txt': `HOST SECRET ${marker}` });
    const unix = await listening(join(host, 'host.sock'));
    const tcp = await listening({ port: 0, host: '127.0.0.1' });
    const workersBefore = executor.workerPids();

    // Earlier jobs on both workers leave files and a detached daemon behind.
    const leaver = [
      `open('left-${marker}-previous', 'w').write('x')`,
      `open('/tmp/left-${marker}-previous', 'w').write('x')`,
      "import subprocess; subprocess.Popen(['/bin/sleep', '747'], start_new_session=True)",
    ].join('\n');
    const left = await Promise.all([runJob(leaver), runJob(leaver)]);
    expect(left.map((response) => response.status)).toEqual(['Success', 'Success']);

    // Another task runs beside the cheater: its own secret inputs and an abstract socket.
    const otherTask = runJob(
      [
        'import socket, time',
        'server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
        `server.bind('\\0${marker}-other'); server.listen()`,
        'time.sleep(12)',
      ].join('\n'),
      { [`verify/ground_truth-${marker}-other.csv`]: encodeFile('row_id,target\n1,secret\n') },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const targets = {
      host_file: join(host, 'secret.txt'),
      ground_truth: await realpath(join(task, taskName, 'verify', 'ground_truth.csv')),
      verify_folder: await realpath(join(task, taskName, 'verify')),
      other_marker: `${marker}-other`,
      previous_marker: `${marker}-previous`,
      unix_socket: join(host, 'host.sock'),
      tcp_port: tcp.port,
      worker_pids: workersBefore,
      max_disk_bytes: (MAX_DISK_MB * 1024 + 128) * 1024, // the quota plus page rounding room
      marker,
      daemon_seconds: '737',
    };
    const cheater = await runJob(await readFile(join(import.meta.dirname, 'cheater.py'), 'utf8'), {
      'targets.json': encodeFile(JSON.stringify(targets)),
    });
    expect(cheater.run_result?.stderr).toBe('');
    const outcome = JSON.parse(cheater.run_result?.stdout ?? '{}') as Record<string, string>;
    expect(Object.keys(outcome)).toHaveLength(15);
    for (const [name, result] of Object.entries(outcome)) {
      expect(`${name}: ${result}`).toMatch(new RegExp(`^${name}: blocked`));
    }
    expect(outcome.total_disk).toMatch(/errno 28 after \d+ bytes/);
    expect(unix.connections).toBe(0);
    expect(tcp.connections).toBe(0);

    const kinds = new Set(cheater.blocked_attempts?.map((attempt) => attempt.kind));
    expect([...kinds].sort()).toEqual(['disk_quota', 'host_path', 'network', 'privilege', 'process']);
    // (Host /tmp paths are not named: /tmp is the job's own; reading them is blocked all the same.)
    const named = cheater.blocked_attempts?.map((attempt) => `${attempt.kind} ${attempt.detail}`) ?? [];
    expect(named).toContain(`host_path ${targets.ground_truth}`);
    expect(named).toContain(`host_path ${targets.verify_folder}`);
    expect(named).toContain(`network socket.connect ('127.0.0.1', ${tcp.port})`);
    expect(named).toContain(`network socket.connect '${targets.unix_socket}'`);
    expect(named).toContain('process ctypes ptrace');
    expect(named).toContain('privilege ctypes mount');

    // Nothing it did outlived it, on the host or for the next job; the workers are untouched.
    expect((await otherTask).status).toBe('Success');
    await expect(access(`/tmp/left-${marker}`)).rejects.toThrow(/ENOENT/);
    await expect(access(`/tmp/left-${marker}-previous`)).rejects.toThrow(/ENOENT/);
    expect((await commandLines()).filter((line) => /^\/bin\/sleep (737|747)$/.test(line))).toEqual([]);
    expect(await processesOf(executor.jobUids())).toEqual([]);
    expect(executor.workerPids()).toEqual(workersBefore);
    expect(executor.restarts).toBe(0);
    const next = await runJob(`import os; print(sorted(os.listdir('.')), sorted(os.listdir('/tmp')))`);
    expect(next.run_result?.stdout).toBe("[] ['job']\n");
    expect(next.blocked_attempts).toEqual([]);
  });
});

describe('each sandbox claim on its own', () => {
  it('shows a job only system folders: no /work, /root, /home, /var, /run or host /tmp', async () => {
    const code = [
      'import json, os',
      "probe = ['/work', '/root', '/home', '/var', '/run', '/mnt', '/srv', '/media', '/boot', '/old_root']",
      "print(json.dumps({'root': sorted(os.listdir('/')), 'etc': sorted(os.listdir('/etc')) if os.access('/etc', os.R_OK) else [],",
      "    'exists': [path for path in probe if os.path.exists(path)], 'tmp': sorted(os.listdir('/tmp')),",
      "    'cwd': os.getcwd(), 'opt': os.path.exists('/opt/dare-forge/verifiers/worker.py')}))",
    ].join('\n');
    const response = await runJob(code);
    expect(response.run_result?.stderr).toBe('');
    const seen = JSON.parse(response.run_result?.stdout ?? '{}');
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
    expect(seen.exists).toEqual([]);
    expect(seen.tmp).toEqual(['job']);
    expect(seen.cwd).toBe('/tmp/job');
    expect(seen.opt).toBe(false); // our verifiers are hidden from jobs
    for (const name of seen.etc)
      expect(name).toMatch(/^(ld\.so\..*|alternatives|localtime|timezone|python3(\.\d+)?)$/);
  });

  it('lets a job load the same BLAS libraries as the host (their /etc/alternatives links resolve)', async () => {
    const host = await exec(config.python, [FINGERPRINT], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    });
    // The BLAS pools only: the warm worker preloads scikit-learn modules that also load an
    // OpenMP runtime, which a bare interpreter running the fingerprint script does not.
    const libraries = (fingerprint: EnvironmentFingerprint) =>
      fingerprint.blas
        .filter((pool) => pool.user_api === 'blas')
        .map((pool) => `${pool.internal_api} ${pool.filepath}`)
        .sort();
    const inside = await environmentFingerprint(executor);
    expect(libraries(inside)).toEqual(libraries(fingerprintSchema.parse(JSON.parse(host.stdout))));
    expect(libraries(inside).length).toBeGreaterThan(0);
  });

  it('gives the whole disk quota on top of input files larger than it', async () => {
    const input = Buffer.alloc((MAX_DISK_MB + 2) * 1024 * 1024, 7);
    const code = [
      "size = len(open('big.bin', 'rb').read())",
      `open('mine.bin', 'wb').write(b'x' * (${String(MAX_DISK_MB - 1)} * 1024 * 1024))`,
      'print(size)',
    ].join('\n');
    const response = await runJob(code, { 'data/../big.bin': encodeFile(input) });
    expect(response.status).toBe('Success');
    expect(response.run_result?.stdout).toBe(`${input.length}\n`);
    expect(response.blocked_attempts).toEqual([]);
  });

  it('caps the number of files too, so empty files cannot exhaust memory', async () => {
    const code = [
      'count = 0',
      'try:',
      '    while count < 10 ** 6:',
      "        open(f'e{count}', 'w').close(); count += 1",
      'except OSError as error:',
      '    print(error.errno, count)',
    ].join('\n');
    const response = await runJob(code);
    const [errno, count] = (response.run_result?.stdout ?? '').trim().split(' ').map(Number);
    expect(errno).toBe(28);
    expect(count).toBeLessThanOrEqual(64 * MAX_DISK_MB + 1024);
    expect(response.blocked_attempts?.map((attempt) => attempt.kind)).toEqual(['disk_quota']);
  });
});

describe('what a job writes to the harness pipes', () => {
  it('cannot forge a sandbox failure or flood the worker', async () => {
    const code = [
      'import os',
      'os.write(4, b\'{"error": "forged"}\\n\')',
      "chunk = b'x' * (1 << 20)",
      'for _ in range(64):',
      '    os.write(4, chunk)',
      "    os.write(3, b'network\\tforged\\n' * 4096)",
      "print('done')",
    ].join('\n');
    const response = await runJob(code);
    expect(response.status).toBe('Success');
    expect(response.run_result?.stdout).toBe('done\n');
    expect(response.files).toEqual({});
    expect(response.blocked_attempts).toEqual([{ kind: 'network', detail: 'forged' }]);
  });
});
