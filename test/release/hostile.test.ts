import { execFileSync } from 'node:child_process';
import { cp, lstat, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../../pipeline/release/exports.ts';
import { release } from '../../pipeline/stages/release/index.ts';
import { testContext, testdir } from '../support/testdir.ts';

const published = join(import.meta.dirname, '../../../shared/fixtures/dare-eval');
const base = 'carlmcbrideellis_data-anscombes-quartet_reg';

/** A corpus of copies of one small published task, each made hostile by `harm` (in a temp dir). */
async function hostileCorpus(harms: Record<string, (dir: string) => Promise<void>>): Promise<string> {
  const corpus = await testdir();
  const entries = JSON.parse(await readFile(join(published, 'question_list.json'), 'utf8')) as Record<
    string,
    unknown
  >[];
  const template = entries.find((e) => e.file_path === base);
  const list = [];
  for (const [name, harm] of Object.entries(harms)) {
    const task = `hostile_${name}_reg`;
    const dir = join(corpus, 'databases', task);
    await cp(join(published, 'databases', base), dir, { recursive: true });
    await harm(dir);
    list.push({ ...template, file_path: task });
  }
  list.push({ ...template, file_path: '../../escape_reg' });
  await writeFile(join(corpus, 'question_list.json'), JSON.stringify(list));
  return corpus;
}

/** An SQLite file made by Python's sqlite3 from the given statements. */
function sqliteFile(path: string, statements: string[]): void {
  execFileSync('/usr/bin/python3', [
    '-c',
    'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nfor s in sys.argv[2:]: c.execute(s)\nc.commit()',
    path,
    ...statements,
  ]);
}

async function editMetadata(dir: string, edit: (text: string) => string): Promise<void> {
  const path = join(dir, 'verify', 'all_metadata.json');
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

describe('release --corpus of a hostile corpus', { timeout: 120_000 }, () => {
  it('rejects each bad task with a reason, releases the rest, and copies no link', async () => {
    const secret = await testdir({ 'secret.txt': 'root-only contents\n' });
    const corpus = await hostileCorpus({
      good: async () => {},
      // 12 MB metadata string and bare NaN: the old regex overflowed the stack and crashed the release.
      long: (dir) =>
        editMetadata(dir, (t) => t.replace('{', `{"long": "${'x'.repeat(12 * 1024 * 1024)}", "nan": NaN, `)),
      link: async (dir) => {
        await symlink(join(secret, 'secret.txt'), join(dir, 'source', 'extra.txt'));
      },
      linkedfolder: async (dir) => {
        await rm(join(dir, 'verify'), { recursive: true });
        await symlink(join(published, 'databases', base, 'verify'), join(dir, 'verify'));
      },
      fifo: async (dir) => {
        execFileSync('mkfifo', [join(dir, 'verify', 'notes')]);
      },
      format: (dir) =>
        editMetadata(dir, (t) =>
          t.replace('"save_file_type": "csv"', '"save_file_type": "../../../../etc/passwd"'),
        ),
      missing: (dir) => rm(join(dir, 'source', 'train_v2.csv')),
      // Not a database at all: SQLite throws while release fingerprints the table.
      corrupt: async (dir) => {
        await editMetadata(dir, (t) => t.replace('"save_file_type": "csv"', '"save_file_type": "sqlite"'));
        for (const name of ['train_v2.sqlite', 'val_v2.sqlite'])
          await writeFile(join(dir, 'source', name), 'this is not an SQLite file\n'.repeat(200));
      },
      // A view over an endless recursive query: reading it on the host would never end.
      view: async (dir) => {
        await editMetadata(dir, (t) => t.replace('"save_file_type": "csv"', '"save_file_type": "sqlite"'));
        sqliteFile(join(dir, 'source', 'train_v2.sqlite'), [
          'CREATE VIEW train_set AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS a FROM r',
        ]);
        sqliteFile(join(dir, 'source', 'val_v2.sqlite'), ['CREATE TABLE val_set (a INTEGER)']);
      },
      // A plain table beside a view that shadows the expected name in val.
      valview: async (dir) => {
        await editMetadata(dir, (t) => t.replace('"save_file_type": "csv"', '"save_file_type": "sqlite"'));
        sqliteFile(join(dir, 'source', 'train_v2.sqlite'), ['CREATE TABLE train_set (a INTEGER)']);
        sqliteFile(join(dir, 'source', 'val_v2.sqlite'), [
          'CREATE TABLE t (a INTEGER)',
          'CREATE VIEW val_set AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x AS a FROM r, t',
        ]);
      },
      deep: (dir) =>
        editMetadata(dir, (t) => t.replace('{', `{"deep": ${'['.repeat(3000)}${']'.repeat(3000)}, `)),
    });
    expect(
      (
        await readFile(join(corpus, 'databases', 'hostile_format_reg', 'verify', 'all_metadata.json'), 'utf8')
      ).includes('etc/passwd'),
    ).toBe(true);

    const root = await testdir();
    const ctx = testContext(root);
    const result = await release(ctx, { extra: { corpus, version: '1.0.0' } });
    await ctx.close();

    expect(result.tasks.map((t) => t.task)).toEqual(['hostile_good_reg', 'hostile_long_reg']);
    expect(result.rejected.map((r) => [r.task, r.reason])).toEqual([
      ['../../escape_reg', 'invalid_entry'],
      ['hostile_corrupt_reg', 'unreadable_table'],
      ['hostile_deep_reg', 'invalid_metadata'],
      ['hostile_fifo_reg', 'unsafe_file'],
      ['hostile_format_reg', 'invalid_metadata'],
      ['hostile_link_reg', 'unsafe_file'],
      ['hostile_linkedfolder_reg', 'unsafe_file'],
      ['hostile_missing_reg', 'missing_file'],
      ['hostile_valview_reg', 'sqlite_not_table'],
      ['hostile_view_reg', 'sqlite_not_table'],
    ]);
    const manifest = JSON.parse(await readFile(join(result.dir, 'manifest.json'), 'utf8'));
    expect(manifest.rejected).toEqual(result.rejected);
    // Nothing in the release is a link, and the secret's contents went nowhere.
    for (const path of await listFiles(result.dir)) {
      const stats = await lstat(join(result.dir, path));
      expect({ path, file: stats.isFile() }).toEqual({ path, file: true });
      expect(await readFile(join(result.dir, path), 'utf8')).not.toContain('root-only contents');
    }
    expect(manifest.counts.tasks.train + manifest.counts.tasks.eval).toBe(2);
  });
});
