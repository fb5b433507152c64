import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SCORER_SCRIPT } from '../../pipeline/export/files.ts';
import type { Variant } from '../../pipeline/score/report.ts';
import { scoreAgainstTruth } from '../../pipeline/score/task.ts';
import { loadTruth } from '../../pipeline/score/truth.ts';
import { defaultReadLimits } from '../../pipeline/util/inside.ts';
import { editTargets, exportTasks, keepRows, published, wrongPrediction } from './support.ts';

const run = promisify(execFile);
const families = { class: 'classification', reg: 'regression', ts: 'time_series_analysis' } as const;

interface Case {
  label: string;
  spec: { family: string; variant: Variant; targets: string[] };
  truth: string;
  prediction: string | null;
}

/** Predictions exact, wrong, missing, partial and malformed, for one task variant. */
function casesFor(task: string, variant: Variant, truth: string, targets: string[]): Case[] {
  const family = families[task.slice(task.lastIndexOf('_') + 1) as keyof typeof families];
  const spec = { family, variant, targets };
  const firstLines = truth.split('\n');
  const [header = '', ...body] = firstLines.filter(Boolean);
  const predictions: Record<string, string | null> = {
    exact: truth,
    wrong: wrongPrediction(truth, targets),
    none: null,
    missing_rows: keepRows(truth, (r) => r % 3 !== 0),
    reversed_rows: `${[header, ...body.reverse()].join('\n')}\n`,
    partial: editTargets(
      truth,
      targets,
      (cell) => {
        const n = Number(cell);
        return Number.isFinite(n) ? String(n * 1.25 + 0.5) : 'some_other_label';
      },
      (r) => r % 2 === 0,
    ),
    missing_target: keepRows(truth, () => true, targets[0]),
    empty_cells: editTargets(
      truth,
      targets,
      () => null,
      (r) => r === 1,
    ),
    text_in_numbers: editTargets(
      truth,
      targets,
      () => 'abc',
      (r) => r === 0,
    ),
    header_only: `${header}\n`,
    empty: '',
    extra_rows: `${truth}${header.includes('row_id') ? `999999${',1'.repeat(header.split(',').length - 1)}\n` : ''}`,
  };
  return Object.entries(predictions).map(([name, prediction]) => ({
    label: `${task}:${variant}:${name}`,
    spec,
    truth,
    prediction,
  }));
}

async function pythonScores(cases: readonly Case[]) {
  const driver = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(SCORER_SCRIPT.slice(0, SCORER_SCRIPT.lastIndexOf('/')))})`,
    'import dare_score',
    'cases = json.load(sys.stdin)',
    "print(json.dumps([dare_score.score_text(c['spec'], c['truth'], c['prediction']) for c in cases]))",
  ].join('\n');
  const child = run('/usr/bin/python3', ['-c', driver], { maxBuffer: 64 * 1024 * 1024 });
  child.child.stdin?.end(JSON.stringify(cases));
  const { stdout } = await child;
  return JSON.parse(stdout) as {
    score: number;
    reward: number;
    reason: string | null;
    prediction_exists: boolean;
  }[];
}

describe('the exported Python scorer', { timeout: 120_000 }, () => {
  it('agrees with pipeline/score on exact, wrong, missing, partial and malformed predictions, class/reg/ts', async () => {
    const cases: Case[] = [];
    const ts: { score: number | null; reward: number | null; reason: string | null }[] = [];
    for (const task of exportTasks) {
      const family = families[task.slice(task.lastIndexOf('_') + 1) as keyof typeof families];
      for (const variant of ['v1', 'v2'] as const) {
        const truth = await loadTruth(
          { corpus: published, task, limits: defaultReadLimits() },
          family,
          variant,
        );
        if (!truth.ok) throw new Error(`${task} ${variant}: ${truth.detail}`);
        const { readFile } = await import('node:fs/promises');
        const name =
          family === 'time_series_analysis'
            ? `ground_truth_${variant}.csv`
            : variant === 'v1'
              ? 'simulated_pred_local.csv'
              : 'ground_truth.csv';
        const text = await readFile(`${published}/databases/${task}/verify/${name}`, 'utf8');
        for (const c of casesFor(task, variant, text, truth.targets)) {
          cases.push(c);
          const scored = scoreAgainstTruth(
            { task, family, variant, predictionLabel: 'prediction.csv', rlReward: true },
            truth,
            c.prediction === null ? { exists: false } : { exists: true, text: c.prediction },
          );
          ts.push({ score: scored.score, reward: scored.reward, reason: scored.reason });
        }
      }
    }
    const python = await pythonScores(cases);
    expect(python).toHaveLength(cases.length);
    const disagreements = cases.flatMap((c, i) => {
      const p = python[i];
      const t = ts[i];
      return p?.score === t?.score && p?.reward === t?.reward
        ? []
        : [
            `${c.label}: python ${p?.score}/${p?.reward} (${p?.reason}), ts ${t?.score}/${t?.reward} (${t?.reason})`,
          ];
    });
    expect(disagreements).toEqual([]);
    // The cases span the whole reward range, so agreeing is not agreeing on zeros.
    const rewards = new Set(python.map((p) => p.reward));
    expect(rewards.has(1.1) && rewards.has(0.1) && rewards.has(0)).toBe(true);
    expect(python.some((p) => p.score > 0 && p.score < 1)).toBe(true);
    const reasons = cases.map((c, i) => `${c.label.split(':').pop()} ${python[i]?.reason} ${ts[i]?.reason}`);
    expect(reasons.filter((r) => r.startsWith('exact ')).every((r) => r === 'exact null null')).toBe(true);
  });
});
