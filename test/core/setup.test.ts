import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/testdir.ts';

const repo = join(import.meta.dirname, '../..');

describe('set-up (scripts/setup.sh and the lock file)', () => {
  it('installs no package that compiles at install time (only allowScripts may run scripts)', async () => {
    const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
      dependencies: Record<string, string>;
    };
    const scripted = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(scripted.filter((name) => !pkg.allowScripts?.[name])).toEqual([]);
    expect(Object.keys(pkg.allowScripts ?? {})).not.toContain('better-sqlite3');
    expect(Object.keys(pkg.dependencies)).toContain('sql.js');
  });

  it('says what it installs and waits for a held apt/dpkg lock instead of failing at once', async () => {
    // A copy of the script in a folder whose npm packages are installed, run as "root" with a
    // PATH holding no bwrap and no chromium, and an apt-get that records how it was called.
    const root = await testdir({ 'package-lock.json': '{}\n', 'node_modules/.package-lock.json': '{}\n' });
    const past = new Date(Date.now() - 60_000);
    await utimes(join(root, 'package-lock.json'), past, past);
    await mkdir(join(root, 'scripts'));
    await copyFile(join(repo, 'scripts/setup.sh'), join(root, 'scripts/setup.sh'));
    const bin = join(root, 'bin');
    await mkdir(bin);
    const calls = join(root, 'apt-calls.txt');
    const fake = async (name: string, body: string) => {
      await writeFile(join(bin, name), `#!/bin/bash\n${body}\n`);
      await chmod(join(bin, name), 0o755);
    };
    await fake('id', 'echo 0');
    await fake('apt-get', `echo "$*" >> ${JSON.stringify(calls)}`);
    await symlink(
      execFileSync('/bin/bash', ['-c', 'command -v dirname'], { encoding: 'utf8' }).trim(),
      join(bin, 'dirname'),
    );
    const out = execFileSync('/bin/bash', [join(root, 'scripts/setup.sh')], {
      encoding: 'utf8',
      env: { PATH: bin },
    });
    expect(out).not.toMatch(/npm ci/);
    expect(out).toMatch(
      /setup: installing Debian packages: .*bubblewrap chromium .*waiting up to 5 min for a held apt\/dpkg lock/,
    );
    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^-o DPkg::Lock::Timeout=300 update/);
    expect(lines[1]).toMatch(/^-o DPkg::Lock::Timeout=300 install .*bubblewrap chromium$/);
  });

  it('never runs npm ci through a linked node_modules (it would empty the shared target)', async () => {
    // A worktree whose node_modules links to another checkout's, with a lock file newer than
    // the installed one: the script must leave the target alone and say why.
    const root = await testdir({
      'package-lock.json': '{}\n',
      'shared/keep.txt': 'x',
      'shared/.package-lock.json': '{}\n',
    });
    const past = new Date(Date.now() - 60_000);
    await utimes(join(root, 'shared/.package-lock.json'), past, past);
    await symlink(join(root, 'shared'), join(root, 'node_modules'));
    await mkdir(join(root, 'scripts'));
    await copyFile(join(repo, 'scripts/setup.sh'), join(root, 'scripts/setup.sh'));
    const bin = join(root, 'bin');
    await mkdir(bin);
    const calls = join(root, 'npm-calls.txt');
    await writeFile(
      join(bin, 'npm'),
      `#!/bin/bash\necho "$*" >> ${JSON.stringify(calls)}\nrm -rf node_modules/*\n`,
    );
    await chmod(join(bin, 'npm'), 0o755);
    // Not root: a missing Debian package ends in a message, never in a real apt-get.
    await writeFile(join(bin, 'id'), '#!/bin/bash\necho 1000\n');
    await chmod(join(bin, 'id'), 0o755);
    const out = execFileSync(
      '/bin/bash',
      ['-c', `${JSON.stringify(join(root, 'scripts/setup.sh'))} 2>&1 || true`],
      {
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/bin:/bin` },
      },
    );
    expect(out).toMatch(/node_modules links to .*shared.*not reinstalling/);
    expect(await readFile(join(root, 'shared/keep.txt'), 'utf8')).toBe('x');
    await expect(readFile(calls, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
