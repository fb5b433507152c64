import { execFileSync } from 'node:child_process';
import { cp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Executor, sandboxError } from '../../pipeline/sandbox/contract.ts';
import { corpusReportSchema, verifyCorpus } from '../../pipeline/stages/verify/corpus.ts';
import { testdir } from '../support/testdir.ts';
import { databases } from '../verifiers/fixtures.ts';
import { checks, usePool } from './support.ts';

const pool = usePool();
const base = 'carlmcbrideellis_data-anscombes-quartet_reg';

/** Copies of one small published task, each made hostile by `harm` (in a temp dir). */
async function hostileCorpus(harms: Record<string, (dir: string) => Promise<void>>): Promise<string> {
  const corpus = await testdir();
  for (const [name, harm] of Object.entries(harms)) {
    const dir = join(corpus, 'databases', `hostile_${name}_reg`);
    await cp(join(databases, base), dir, { recursive: true });
    await harm(dir);
  }
  return corpus;
}

describe('verify --corpus on a hostile corpus', { timeout: 300_000 }, () => {
  it('ends each bad task as its rejection, never ships a linked or special file, and writes the report', async () => {
    // Stands in for a root-only host file: a CSV whose cells would come back in the predictions.
    const secret = await testdir();
    await cp(join(databases, base, 'source', 'train_v1_no_err.csv'), join(secret, 'secret.csv'));
    const corpus = await hostileCorpus({
      good: async () => {},
      missing: (dir) => rm(join(dir, 'source', 'val_v1.csv')),
      link: async (dir) => {
        await rm(join(dir, 'source', 'train_v1_no_err.csv'));
        await symlink(join(secret, 'secret.csv'), join(dir, 'source', 'train_v1_no_err.csv'));
      },
      fifo: async (dir) => {
        await rm(join(dir, 'source', 'val_v1.csv'));
        execFileSync('mkfifo', [join(dir, 'source', 'val_v1.csv')]);
      },
      metadatalink: async (dir) => {
        await rm(join(dir, 'verify', 'all_metadata.json'));
        await symlink(
          join(databases, base, 'verify', 'all_metadata.json'),
          join(dir, 'verify', 'all_metadata.json'),
        );
      },
      sandbox: async () => {},
      long: async (dir) => {
        const path = join(dir, 'verify', 'all_metadata.json');
        const text = await readFile(path, 'utf8');
        await writeFile(path, text.replace('{', `{"long": "${'x'.repeat(12 * 1024 * 1024)}", "nan": NaN, `));
      },
    });
    await symlink(
      join(corpus, 'databases', 'hostile_good_reg'),
      join(corpus, 'databases', 'hostile_folderlink_reg'),
    );
    // The sandbox breaking down on one task (a SandboxError answer, as SandboxFusion gives it).
    const sandboxFault = Buffer.from('sandbox fault marker').toString('base64');
    await writeFile(
      join(corpus, 'databases', 'hostile_sandbox_reg', 'source', 'val_v1.csv'),
      'sandbox fault marker',
    );
    const real = pool();
    const executor: Executor = {
      name: real.name,
      close: () => real.close(),
      runCode: async (request, runOptions) =>
        Object.values(request.files ?? {}).includes(sandboxFault)
          ? sandboxError('worker lost')
          : real.runCode(request, runOptions),
    };
    const out = await testdir();
    const report = await verifyCorpus({
      corpus,
      out,
      executor,
      checks,
      runTimeoutS: 120,
      memoryLimitMb: 2048,
      scope: 'reference',
      concurrency: 2,
    });
    const written = corpusReportSchema.parse(
      JSON.parse(await readFile(join(out, 'verify-report.json'), 'utf8')),
    );
    expect(written.tasks).toHaveLength(8);
    const outcome = Object.fromEntries(
      report.tasks.map((t) => [t.task, [t.verdict.status, t.verdict.reasons]]),
    );
    expect(outcome).toEqual({
      hostile_fifo_reg: ['rejected', ['unsafe_file']],
      hostile_folderlink_reg: ['rejected', ['unsafe_file']],
      hostile_sandbox_reg: ['rejected', ['verify_error']],
      hostile_good_reg: ['passed', []],
      hostile_link_reg: ['rejected', ['unsafe_file']],
      hostile_long_reg: ['passed', []],
      hostile_metadatalink_reg: ['rejected', ['unsafe_file']],
      hostile_missing_reg: ['rejected', ['reference_missing_input']],
    });
    const detail = (task: string) => report.tasks.find((t) => t.task === task)?.verdict.checks[0]?.detail;
    expect(detail('hostile_link_reg')).toMatch(/train_v1_no_err\.csv is a symbolic link/);
    expect(detail('hostile_fifo_reg')).toMatch(/val_v1\.csv is a FIFO/);
    // Only the good tasks' predictions were regenerated; nothing of the secret came back.
    expect((await readdir(join(out, 'databases'))).sort()).toEqual(['hostile_good_reg', 'hostile_long_reg']);
    expect(detail('hostile_sandbox_reg')).toMatch(/worker lost/);
    expect(report.summary).toMatchObject({ tasks: 8, verdict_passed: 2, verdict_rejected: 6 });
  });
});
