import { compareCodeUnits } from '../util/order.ts';
import type { TaskRow } from './tasks.ts';

/**
 * The audit's counting, over rows already read from the artifacts: no I/O, so a count can be
 * checked on rows written by hand.
 */

export interface ReasonRow {
  /** A stage name, or `verify task` for rows that count tasks rather than datasets. */
  stage: string;
  status: 'rejected' | 'error';
  reason: string;
  count: number;
  examples: string[];
}

export interface CheckRow {
  check: string;
  family: string;
  pass: number;
  fail: number;
  flag: number;
  skip: number;
}

export interface LlmUsage {
  provider: string;
  model: string;
  calls: number;
  cached: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export type FunnelStep = 'drafted' | 'built' | 'verified' | 'released';
/** Task type -> counts at drafted, built, verified (passed) and released. */
export type TaskFunnel = Record<string, Record<FunnelStep, number>>;

const familyOfKey: Record<string, string> = { classification: 'class', regression: 'reg', time_series: 'ts' };

/** The task type of a task folder name (`<dataset-id>_<class|reg|ts>`). */
export const familyOfTask = (task: string) => task.slice(task.lastIndexOf('_') + 1);

/** The task types each step reached, one entry per task, counted and sorted by type. */
export function countTaskFunnel(reached: Record<FunnelStep, readonly string[]>): TaskFunnel {
  const funnel: TaskFunnel = {};
  for (const step of ['drafted', 'built', 'verified', 'released'] as const) {
    for (const family of reached[step]) {
      funnel[family] ??= { drafted: 0, built: 0, verified: 0, released: 0 };
      funnel[family][step] += 1;
    }
  }
  return Object.fromEntries(Object.entries(funnel).sort(([a], [b]) => compareCodeUnits(a, b)));
}

/** draft.json rows (families and requests as JSON text): the task types drafted, LLM use per model. */
export function tallyDrafts(drafts: readonly Record<string, unknown>[]): {
  drafted: string[];
  llm: LlmUsage[];
} {
  const drafted: string[] = [];
  const llm = new Map<string, LlmUsage>();
  for (const draft of drafts) {
    const families = JSON.parse(String(draft.families)) as Record<string, { status: string }>;
    for (const [key, value] of Object.entries(families))
      if (value.status === 'ok') drafted.push(familyOfKey[key] ?? key);
    const requests = JSON.parse(String(draft.requests ?? '[]')) as {
      input_tokens: number;
      output_tokens: number;
      cost_usd: number;
      cached: boolean;
    }[];
    const id = `${draft.provider}/${draft.model}`;
    const entry = llm.get(id) ?? {
      provider: String(draft.provider),
      model: String(draft.model),
      calls: 0,
      cached: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
    };
    for (const r of requests) {
      entry.calls += 1;
      entry.cached += r.cached ? 1 : 0;
      entry.input_tokens += r.input_tokens;
      entry.output_tokens += r.output_tokens;
      entry.cost_usd += r.cost_usd;
    }
    llm.set(id, entry);
  }
  return { drafted, llm: [...llm.values()] };
}

interface VerdictTask {
  family: string;
  status: string;
  checks: { name: string; status: 'pass' | 'fail' | 'flag' | 'skip'; metrics?: Record<string, number> }[];
}

/** verdict.json rows (tasks as JSON text): task types passed, outcomes per check, finite metrics. */
export function tallyVerdicts(verdicts: readonly Record<string, unknown>[]): {
  verified: string[];
  checks: CheckRow[];
  scores: Record<string, number[]>;
} {
  const verified: string[] = [];
  const checks = new Map<string, CheckRow>();
  const scores: Record<string, number[]> = {};
  for (const verdict of verdicts) {
    for (const task of JSON.parse(String(verdict.tasks)) as VerdictTask[]) {
      if (task.status === 'passed') verified.push(task.family);
      for (const check of task.checks) {
        const key = `${check.name}/${task.family}`;
        const row = checks.get(key) ?? {
          check: check.name,
          family: task.family,
          pass: 0,
          fail: 0,
          flag: 0,
          skip: 0,
        };
        row[check.status] += 1;
        checks.set(key, row);
        for (const [metric, value] of Object.entries(check.metrics ?? {})) {
          if (!Number.isFinite(value)) continue;
          const scoreKey = `${check.name}.${metric}`;
          scores[scoreKey] = [...(scores[scoreKey] ?? []), value];
        }
      }
    }
  }
  const sorted = [...checks.values()].sort(
    (a, b) => compareCodeUnits(a.check, b.check) || compareCodeUnits(a.family, b.family),
  );
  return { verified, checks: sorted, scores };
}

/** Tasks verify rejected, counted by reason (tasks, not datasets), most frequent first. */
export function taskReasonRows(tasks: readonly TaskRow[]): ReasonRow[] {
  const taskReasons = new Map<string, ReasonRow>();
  for (const task of tasks) {
    if (task.stage !== 'verify' || task.status === 'passed' || task.status === 'not_verified') continue;
    const reason = task.reason ?? task.status;
    const row = taskReasons.get(reason) ?? {
      stage: 'verify task',
      status: 'rejected',
      reason,
      count: 0,
      examples: [],
    };
    row.count += 1;
    if (row.examples.length < 3) row.examples.push(task.task);
    taskReasons.set(reason, row);
  }
  return [...taskReasons.values()].sort((a, b) => b.count - a.count || compareCodeUnits(a.reason, b.reason));
}
