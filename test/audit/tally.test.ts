import { describe, expect, it } from 'vitest';
import { countTaskFunnel, tallyDrafts, tallyVerdicts, taskReasonRows } from '../../pipeline/audit/tally.ts';
import type { TaskRow } from '../../pipeline/audit/tasks.ts';

// The audit's counting over rows as DuckDB hands them (JSON columns as text), no artifacts needed.

describe('audit tallies', () => {
  it('counts each funnel step per task type, types sorted', () => {
    const funnel = countTaskFunnel({
      drafted: ['ts', 'class', 'class'],
      built: ['class'],
      verified: [],
      released: ['class'],
    });
    expect(Object.keys(funnel)).toEqual(['class', 'ts']);
    expect(funnel.class).toEqual({ drafted: 2, built: 1, verified: 0, released: 1 });
    expect(funnel.ts).toEqual({ drafted: 1, built: 0, verified: 0, released: 0 });
  });

  it('reads drafted families by their key and sums LLM use per provider and model', () => {
    const request = (cached: boolean) => ({ input_tokens: 10, output_tokens: 2, cost_usd: 0.5, cached });
    const { drafted, llm } = tallyDrafts([
      {
        provider: 'openai',
        model: 'm',
        families: JSON.stringify({ classification: { status: 'ok' }, time_series: { status: 'declined' } }),
        requests: JSON.stringify([request(false), request(true)]),
      },
      {
        provider: 'openai',
        model: 'm',
        families: JSON.stringify({ regression: { status: 'ok' } }),
        requests: null,
      },
    ]);
    expect(drafted).toEqual(['class', 'reg']);
    expect(llm).toEqual([
      {
        provider: 'openai',
        model: 'm',
        calls: 2,
        cached: 1,
        input_tokens: 20,
        output_tokens: 4,
        cost_usd: 1,
      },
    ]);
  });

  it('counts check outcomes per check and type, keeping only finite metrics', () => {
    const tasks = [
      {
        family: 'reg',
        status: 'passed',
        checks: [{ name: 'learnable', status: 'pass', metrics: { baseline_score: 0.4, gap: Number.NaN } }],
      },
      { family: 'class', status: 'rejected', checks: [{ name: 'learnable', status: 'fail' }] },
    ];
    // JSON turns NaN into null; a metric read as null is not a number either.
    const { verified, checks, scores } = tallyVerdicts([{ tasks: JSON.stringify(tasks) }]);
    expect(verified).toEqual(['reg']);
    expect(checks.map((c) => [c.check, c.family, c.pass, c.fail])).toEqual([
      ['learnable', 'class', 0, 1],
      ['learnable', 'reg', 1, 0],
    ]);
    expect(scores).toEqual({ 'learnable.baseline_score': [0.4] });
  });

  it('counts verify rejections by reason, most frequent first, three examples at most', () => {
    const row = (task: string, status: TaskRow['status'], reason: string | null): TaskRow => ({
      task,
      dataset: 'own_x',
      family: 'class',
      format: 'csv',
      status,
      stage: 'verify',
      variant: null,
      check: null,
      reason,
      detail: null,
      flags: [],
      scores: {},
      checks: [],
      split: null,
    });
    const rows = taskReasonRows([
      row('a_class', 'rejected', 'timeout'),
      row('b_class', 'passed', null),
      ...['c', 'd', 'e', 'f'].map((id) => row(`${id}_class`, 'rejected', 'nondeterministic')),
    ]);
    expect(rows.map((r) => [r.reason, r.count, r.examples])).toEqual([
      ['nondeterministic', 4, ['c_class', 'd_class', 'e_class']],
      ['timeout', 1, ['a_class']],
    ]);
  });
});
