import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFile } from '../../pipeline/sandbox/contract.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import type { LocalExecutor } from '../../pipeline/sandbox/local-executor.ts';
import { fetched, processesOf, testPoolYaml, verifyConfig } from './support.ts';

const config = verifyConfig(testPoolYaml);
let executor: LocalExecutor;

beforeAll(async () => {
  executor = await createLocalExecutor(config);
});
afterAll(async () => {
  await executor?.close();
});

const run = (
  code: string,
  extra: { run_timeout?: number; files?: Record<string, string>; fetch_files?: string[] } = {},
) =>
  executor.runCode({
    code,
    run_timeout: extra.run_timeout ?? 20,
    files: extra.files,
    fetch_files: extra.fetch_files,
  });

describe('LocalExecutor', () => {
  it('runs code in a fresh folder with its files, warm imports, and returns fetched files', async () => {
    const code = [
      'import sys',
      "print('warm' if {'pandas', 'sklearn.linear_model'} <= set(sys.modules) else 'cold')",
      'import os, pandas, sklearn, helper',
      "print(sorted(os.listdir('.')), pandas.__version__, sklearn.__version__, helper.NAME)",
      "open('out/result.txt', 'w').write(open('data/in.txt').read().upper())",
    ].join('\n');
    const response = await run(code, {
      files: {
        'data/in.txt': encodeFile('hello'),
        'out/keep': encodeFile(''),
        'helper.py': encodeFile("NAME = 'h'"),
      },
      fetch_files: ['out/result.txt', 'missing.txt'],
    });
    expect(response.status).toBe('Success');
    expect(response.run_result).toMatchObject({ status: 'Finished', return_code: 0 });
    expect(response.run_result?.stdout).toBe("warm\n['data', 'helper.py', 'out'] 1.5.3 1.2.1 h\n");
    expect(fetched(response, 'out/result.txt')).toBe('HELLO');
    expect(Object.keys(response.files)).toEqual(['out/result.txt']);
  });

  it('refuses file paths that leave the job folder', async () => {
    const response = await run('print(1)', { files: { '../escape.txt': encodeFile('x') } });
    expect(response.status).toBe('SandboxError');
    expect(response.message).toContain('"../escape.txt" leaves the job folder');
  });

  it('never returns a host file through a symlink the job left', async () => {
    const response = await run("import os; os.symlink('/etc/passwd', 'leak.txt')", {
      fetch_files: ['leak.txt'],
    });
    expect(response.status).toBe('Success');
    expect(response.files).toEqual({});
  });

  it('gives a job no network', async () => {
    const response = await run("import socket; socket.create_connection(('1.1.1.1', 53), timeout=5)");
    expect(response.status).toBe('Failed');
    expect(response.run_result?.return_code).toBe(1);
    expect(response.run_result?.stderr).toMatch(/Network is unreachable|Errno 101/);
  });

  it('lets a job write only its own folder and a private /tmp, never the host', async () => {
    const targets = ['/dev/shm/dare-forge-escape', '/usr/escape', '/etc/escape', '/escape', '/root/escape'];
    const marker = `dare-forge-private-tmp-${process.pid}`;
    const code = [
      `targets = ${JSON.stringify(targets)}`,
      'for path in targets:',
      '    try:',
      "        open(path, 'w').write('x'); print('WROTE', path)",
      '    except OSError as error:',
      "        print('refused', path, error.errno)",
      `open('/tmp/${marker}', 'w').write('scratch')`,
      `open('inside.txt', 'w').write(open('/tmp/${marker}').read())`,
    ].join('\n');
    const response = await run(code, { fetch_files: ['inside.txt'] });
    expect(response.status).toBe('Success');
    expect(response.run_result?.stdout).not.toContain('WROTE');
    expect(response.run_result?.stdout?.match(/refused/g)).toHaveLength(targets.length);
    expect(fetched(response, 'inside.txt')).toBe('scratch');
    await expect(access(`/tmp/${marker}`)).rejects.toThrow(/ENOENT/);
  });

  it('kills an infinite loop at the timeout, even one that closed its output first', async () => {
    const response = await run('import os\nos.close(1)\nos.close(2)\nwhile True:\n    pass', {
      run_timeout: 1,
    });
    expect(response.status).toBe('Failed');
    expect(response.run_result?.status).toBe('TimeLimitExceeded');
    expect(response.run_result?.stderr).toContain('time limit of 1 s exceeded');
  });

  it('stops a 20 GB allocation at the memory limit', async () => {
    const response = await run("block = bytearray(20 * 1024 ** 3)\nprint('allocated')");
    expect(response.status).toBe('Failed');
    expect(response.run_result?.stdout).toBe('');
    expect(response.run_result?.stderr).toContain('MemoryError');
  });

  it('contains a fork bomb and leaves no process behind', async () => {
    const code = 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass';
    const response = await run(code, { run_timeout: 2 });
    expect(response.status).toBe('Failed');
    expect(response.run_result?.status).toBe('TimeLimitExceeded');
    expect(executor.jobUids()).toHaveLength(2);
    expect(await processesOf(executor.jobUids())).toEqual([]);
  });

  it('cuts a job that prints 1 GB', async () => {
    const code = "import sys\nchunk = 'x' * 1024 * 1024\nfor _ in range(1024):\n    sys.stdout.write(chunk)";
    const response = await run(code);
    expect(response.status).toBe('Failed');
    expect(response.run_result?.stdout?.length).toBe(config.limits.max_output_bytes);
    expect(response.run_result?.stderr).toContain('output exceeded');
  });

  it('survives all of that, replaces a crashed worker, and runs the next jobs', async () => {
    const [victim] = executor.workerPids();
    process.kill(victim!, 'SIGKILL');
    const responses = await Promise.all([1, 2, 3, 4].map((n) => run(`print(${n} * 2)`)));
    expect(responses.map((response) => response.run_result?.stdout)).toEqual(['2\n', '4\n', '6\n', '8\n']);
    expect(executor.restarts).toBe(1);
    expect(executor.size).toBe(2);
  });
});
