import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asDatasetId } from '../../pipeline/ids.ts';
import { collectProcessedTasks } from '../../pipeline/release/processed.ts';
import { taskFolderHash } from '../../pipeline/stages/verify/inputs.ts';
import type { Outcome } from '../../pipeline/store/outcome.ts';
import { type StageName, stageOrder } from '../../pipeline/store/paths.ts';
import { writeStatus } from '../../pipeline/store/status.ts';
import { testContext, testdir } from '../support/testdir.ts';

/** processed/<id>/ of a dataset whose verify passed one task, as the stages leave it. */
function verifiedDataset(id: string): Record<string, string> {
  const task = `${id}_class`;
  const verdict = {
    dataset: id,
    environment: { python: '3.11' },
    tasks: [
      { task, family: 'class', status: 'passed', reasons: [], flags: [], checks: [], reference_sha256: null },
    ],
  };
  return {
    [`processed/${id}/verdict.json`]: JSON.stringify(verdict),
    [`processed/${id}/tasks/${task}/question_entry.json`]: JSON.stringify({
      file_path: task,
      question_v1: 'q1',
      question_v2: 'q2',
      task: 'classification',
    }),
    [`processed/${id}/tasks/${task}/verify/all_metadata.json`]: JSON.stringify({
      data_info: { lastUpdated: '2025-01-01T00:00:00Z', licenseName: 'CC0' },
    }),
  };
}

/** Writes the task folder's digest into the verdict, as verify does. */
async function recordFolderHash(root: string, id: string): Promise<void> {
  const path = join(root, 'processed', id, 'verdict.json');
  const verdict = JSON.parse(await readFile(path, 'utf8')) as { tasks: { folder_sha256?: string }[] };
  for (const task of verdict.tasks) {
    task.folder_sha256 = await taskFolderHash(join(root, 'processed', id, 'tasks', `${id}_class`));
  }
  await writeFile(path, JSON.stringify(verdict));
}

/**
 * A later run can reject a dataset at an early stage (Kaggle now answers 404, a new version
 * is an archive bomb): the later stages then never run for it again, so their old "ok"
 * records stay. The release must not ship such a dataset's old tasks.
 */
describe('collectProcessedTasks', () => {
  it('releases only datasets ok at every stage, not one rejected upstream since', async () => {
    const root = await testdir({ ...verifiedDataset('own_kept'), ...verifiedDataset('own_gone') });
    const ctx = testContext(root);
    for (const id of ['own_kept', 'own_gone']) await recordFolderHash(root, id);
    const stages = stageOrder.filter((s): s is Exclude<StageName, 'release'> => s !== 'release');
    for (const id of ['own_kept', 'own_gone']) {
      for (const stage of stages) {
        const outcome: Outcome =
          id === 'own_gone' && stage === 'scrape'
            ? { status: 'rejected', reason: 'kaggle_not_found', detail: 'HTTP 404' }
            : { status: 'ok' };
        await writeStatus(ctx.paths, {
          stage,
          dataset: asDatasetId(id),
          inputs_hash: 'h',
          code_version: 'v',
          outcome,
          started_at: '2026-01-01T00:00:00.000Z',
          duration_ms: 0,
          artifacts: [],
        });
      }
    }
    const { tasks, excluded } = await collectProcessedTasks(ctx);
    expect(tasks.map((t) => t.task)).toEqual(['own_kept_class']);
    expect(excluded).toMatchObject([{ task: 'own_gone', reason: 'upstream_not_ok' }]);
  });
});
