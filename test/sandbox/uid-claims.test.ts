import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { safeRelativePath } from '../../pipeline/sandbox/job-files.ts';
import { claimJobUid } from '../../pipeline/sandbox/uid-claims.ts';
import { testdir } from '../support/testdir.ts';

describe('claimJobUid', () => {
  it('gives concurrent pools distinct uids, takes over claims of dead owners, frees on release', async () => {
    const claims = await testdir();
    await writeFile(join(claims, '70000'), '999999999'); // an owner that no longer exists
    await writeFile(join(claims, '70001'), String(process.ppid)); // a live owner
    const first = await claimJobUid(70000, claims);
    const second = await claimJobUid(70000, claims);
    expect([first.uid, second.uid]).toEqual([70000, 70002]);
    expect(await readFile(join(claims, '70000'), 'utf8')).toBe(String(process.pid));
    await first.release();
    expect((await claimJobUid(70000, claims)).uid).toBe(70000);
  });
});

describe('safeRelativePath', () => {
  it('accepts nested relative paths and refuses escapes', () => {
    expect(safeRelativePath('a/./b.csv')).toEqual({ ok: true, path: 'a/b.csv' });
    expect(safeRelativePath('a/../../etc/passwd')).toEqual({ ok: false, reason: 'leaves the job folder' });
    expect(safeRelativePath('/etc/passwd')).toEqual({ ok: false, reason: 'is absolute' });
    expect(safeRelativePath('.')).toEqual({ ok: false, reason: 'leaves the job folder' });
  });
});
