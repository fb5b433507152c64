/**
 * The verify plans side by side on the same tasks and pool: every check of every task under
 * the separate plan (today's: each reference run its own job) and the shared plan (the IF
 * job runs the second reference run, other_random_state reuses its transform), then with
 * early stop. Per task: sandbox CPU and wall seconds, jobs and model fits; verdicts compared.
 */
import { readdir, readFile } from 'node:fs/promises';
import {
  type VerifyChecksConfig,
  verifyChecksSection,
} from '../../pipeline/config/sections/verify-checks.ts';
import type { Executor } from '../../pipeline/sandbox/contract.ts';
import type { TaskVerdict } from '../../pipeline/stages/verify/schema.ts';
import { verifyTask } from '../../pipeline/stages/verify/task.ts';

export interface PlanFigures {
  plan: string;
  tasks: number;
  wall_s: number;
  sandbox_cpu_s: number;
  cpu_s_per_task: number;
  wall_s_per_task: number;
  jobs_per_task: number;
  fits_per_task: number;
}

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds of every live process under `root` (the pool's workers), their waited-for
 * children included: a job is a forked child of its worker, reaped when it ends.
 */
export async function treeCpuSeconds(root: number): Promise<number> {
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state ppid ... utime(14) stime cutime cstime.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 15) continue;
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    stats.set(Number(name), { parent: Number(fields[1]), ticks });
  }
  const under = (pid: number): boolean => {
    for (let p = stats.get(pid)?.parent; p !== undefined && p > 1; p = stats.get(p)?.parent) {
      if (p === root) return true;
    }
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (under(pid)) ticks += stat.ticks;
  return ticks / TICKS_PER_SECOND;
}

export const planChecks: Record<string, VerifyChecksConfig> = {
  separate: verifyChecksSection.parse({ share_runs: false }),
  shared: verifyChecksSection.parse({ one_job: false }),
  'one job': verifyChecksSection.parse({}),
  'one job+early_stop': verifyChecksSection.parse({ early_stop: true }),
};

/** Verifies every task under one plan, all in flight at once through the pool. */
export async function runPlan(
  executor: Executor,
  plan: string,
  dirs: { name: string; dir: string }[],
  limits: { runTimeoutS: number; memoryLimitMb: number },
): Promise<{ figures: PlanFigures; verdicts: Map<string, TaskVerdict> }> {
  const checks = planChecks[plan]!;
  const cpuBefore = await treeCpuSeconds(process.pid);
  const started = performance.now();
  const results = await Promise.all(
    dirs.map(({ name, dir }) =>
      verifyTask(dir, name, { run: { executor, ...limits }, checks, scope: 'all' }),
    ),
  );
  const wallS = (performance.now() - started) / 1000;
  const cpuS = (await treeCpuSeconds(process.pid)) - cpuBefore;
  const n = dirs.length;
  const sum = (pick: (cost: { jobs: number; fits: number }) => number) =>
    results.reduce((total, r) => total + (r.cost ? pick(r.cost) : 0), 0);
  const round = (value: number, digits = 3) => +value.toFixed(digits);
  const figures: PlanFigures = {
    plan,
    tasks: n,
    wall_s: round(wallS),
    sandbox_cpu_s: round(cpuS, 2),
    cpu_s_per_task: round(cpuS / n),
    wall_s_per_task: round(wallS / n),
    jobs_per_task: round(sum((c) => c.jobs) / n, 2),
    fits_per_task: round(sum((c) => c.fits) / n, 2),
  };
  return { figures, verdicts: new Map(results.map((r, i) => [dirs[i]!.name, r.verdict])) };
}

/** Tasks whose verdicts differ: whole verdict, or only status, reasons and flags (`loose`). */
export function verdictDifferences(
  a: Map<string, TaskVerdict>,
  b: Map<string, TaskVerdict>,
  loose = false,
): string[] {
  const key = (v: TaskVerdict | undefined) =>
    loose ? JSON.stringify(v && [v.status, v.reasons, v.flags]) : JSON.stringify(v);
  return [...a.keys()].filter((name) => key(a.get(name)) !== key(b.get(name)));
}

export function formatPlan(f: PlanFigures): string {
  return (
    `  ${f.plan.padEnd(18)} ${f.cpu_s_per_task.toFixed(2).padStart(6)} s CPU/task  ` +
    `${f.wall_s_per_task.toFixed(2).padStart(6)} s wall/task (pool)  ${f.jobs_per_task.toFixed(2)} jobs/task  ` +
    `${f.fits_per_task.toFixed(2)} fits/task  (total ${f.sandbox_cpu_s} s CPU, ${f.wall_s} s wall)`
  );
}
