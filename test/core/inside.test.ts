import { execFileSync } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInside, listInside, readInside, readJsonInside } from '../../pipeline/util/inside.ts';
import { testdir } from '../support/testdir.ts';

const reasonOf = (result: { ok: boolean; reason?: string }) => (result.ok ? 'ok' : result.reason);

describe('reading a file inside its folder safely', () => {
  it('reads regular files and refuses paths that climb out, whatever their spelling', async () => {
    const outside = await testdir({ 'secret.txt': 'secret' });
    const folder = await testdir({ 'a/b.txt': 'hello' });
    const read = await readInside(folder, 'a/b.txt', 100);
    expect(read.ok && read.bytes.toString()).toBe('hello');
    for (const path of [
      '../secret.txt',
      'a/../../secret.txt',
      join(outside, 'secret.txt'),
      '',
      'a\0b',
      '..\\x',
    ])
      expect({ path, reason: reasonOf(await readInside(folder, path, 100)) }).toEqual({
        path,
        reason: 'outside',
      });
    expect(reasonOf(await readInside(folder, 'a/none.txt', 100))).toBe('missing');
    expect(reasonOf(await readInside(folder, 'a/b.txt/c', 100))).toBe('missing');
  });

  it('refuses a link at any step: the file, a folder on the way, or the folder itself', async () => {
    const outside = await testdir({ 'secret.txt': 'secret', 'dir/inner.txt': 'inner' });
    const folder = await testdir({ 'real.txt': 'real' });
    await symlink(join(outside, 'secret.txt'), join(folder, 'file-link.txt'));
    await symlink(join(outside, 'dir'), join(folder, 'dir-link'));
    await symlink('real.txt', join(folder, 'inside-link.txt'));
    await symlink(folder, join(outside, 'folder-link'));
    expect(reasonOf(await readInside(folder, 'file-link.txt', 100))).toBe('link');
    expect(reasonOf(await readInside(folder, 'dir-link/inner.txt', 100))).toBe('link');
    // Even a link that stays inside: a corpus has no reason to hold one.
    expect(reasonOf(await readInside(folder, 'inside-link.txt', 100))).toBe('link');
    expect(reasonOf(await readInside(join(outside, 'folder-link'), 'real.txt', 100))).toBe('link');
  });

  it('never opens FIFOs or devices (no hang, no endless read) and caps the size', async () => {
    const folder = await testdir({ 'big.bin': 'x'.repeat(1001), 'small.bin': 'x'.repeat(1000) });
    execFileSync('mkfifo', [join(folder, 'pipe')]);
    await mkdir(join(folder, 'sub'));
    expect(reasonOf(await readInside(folder, 'pipe', 100))).toBe('special_file');
    expect(reasonOf(await readInside('/dev', 'zero', 100))).toBe('special_file');
    expect(reasonOf(await readInside(folder, 'sub', 100))).toBe('special_file');
    expect(reasonOf(await readInside(folder, 'big.bin', 1000))).toBe('too_large');
    expect(reasonOf(await readInside(folder, 'small.bin', 1000))).toBe('ok');
    expect(await checkInside(folder, 'small.bin', 1000)).toEqual({
      ok: true,
      path: join(folder, 'small.bin'),
      size: 1000,
    });
  });

  it('lists a folder only when nothing in it is a link or a special file', async () => {
    const folder = await testdir({ 'source/a.csv': 'a', 'source/deep/b.csv': 'b', 'verify/c.json': '{}' });
    expect(await listInside(folder, 'source', 100)).toEqual({
      ok: true,
      files: ['source/a.csv', 'source/deep/b.csv'],
    });
    await symlink('/etc/hostname', join(folder, 'source', 'deep', 'x'));
    expect(reasonOf(await listInside(folder, 'source', 100))).toBe('link');
    execFileSync('mkfifo', [join(folder, 'verify', 'pipe')]);
    expect(reasonOf(await listInside(folder, 'verify', 100))).toBe('special_file');
    expect(reasonOf(await listInside(folder, 'none', 100))).toBe('missing');
  });

  it('reads JSON with the lenient reader and names a bad file', async () => {
    const folder = await testdir({ 'm.json': '{"a": NaN}', 'bad.json': '{"a": nan}' });
    expect(await readJsonInside(folder, 'm.json', 100)).toEqual({ ok: true, value: { a: null } });
    expect(await readJsonInside(folder, 'bad.json', 100)).toMatchObject({
      ok: false,
      reason: 'not_json',
      detail: expect.stringMatching(/^bad\.json: /),
    });
  });
});
