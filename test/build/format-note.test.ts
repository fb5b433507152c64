import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditData } from '../../pipeline/audit/collect.ts';
import { verifiableFormats } from '../../pipeline/audit/tasks.ts';
import { auditText } from '../../pipeline/audit/terminal.ts';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { emptySummary } from '../../pipeline/progress.ts';
import { formatSummary } from '../../pipeline/render/summary.ts';
import { formatNote } from '../../pipeline/stages/build/index.ts';
import { testContext, testdir } from '../support/testdir.ts';

const parsed = parseConfigText('');
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const build = parsed.config.build;

const emptyAudit: AuditData = {
  datasets: 0,
  funnel: [],
  task_funnel: {},
  reasons: [],
  durations: [],
  checks: [],
  scores: {},
  llm: [],
  release: null,
  tasks: [],
  verifiable_formats: null,
};

describe('an environment gap is an environment message, not a data rejection', () => {
  it('notes a weighted format the verifier cannot read, and nothing when it can read them all', () => {
    expect(formatNote(build, ['csv', 'sqlite', 'parquet'])).toBeUndefined();
    expect(formatNote(build, ['csv', 'sqlite'])).toMatch(/cannot read parquet .* among csv, sqlite only/);
    const noParquet = { ...build, file_format_weights: { ...build.file_format_weights, parquet: 0 } };
    expect(formatNote(noParquet, ['csv', 'sqlite'])).toBeUndefined();
  });

  it('prints the note in the run summary under its stage', () => {
    const summary = { ...emptySummary('build', 1), notes: ['verify.python cannot read parquet'] };
    expect(formatSummary([summary], 1000)).toMatch(
      /build +datasets 1 .*\n +environment: verify.python cannot read parquet/,
    );
    expect(formatSummary([emptySummary('build', 1)], 1000)).not.toMatch(/environment:/);
  });

  it('audit says which formats the verifier could check, from every build.json', async () => {
    const root = await testdir();
    const ctx = testContext(root);
    for (const [id, formats] of [
      ['a_one', ['csv', 'sqlite']],
      ['a_two', ['csv', 'sqlite']],
    ] as const) {
      await mkdir(join(ctx.paths.processed, id), { recursive: true });
      await writeFile(
        join(ctx.paths.processed, id, 'build.json'),
        JSON.stringify({ dataset: id, verifiable_formats: formats, tasks: [] }),
      );
    }
    const formats = await verifiableFormats(ctx.paths);
    await ctx.close();
    expect(formats).toEqual(['csv', 'sqlite']);
    expect(auditText({ ...emptyAudit, verifiable_formats: formats })).toMatch(
      /^Environment: the verifier could check csv, sqlite only/,
    );
    expect(auditText({ ...emptyAudit, verifiable_formats: ['csv', 'parquet', 'sqlite'] })).not.toMatch(
      /Environment:/,
    );
    expect(await verifiableFormats(testContext(await testdir()).paths)).toBeNull();
  });
});
