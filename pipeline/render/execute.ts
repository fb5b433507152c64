import { Listr } from 'listr2';
import type { Context } from '../context.ts';
import type { StageSummary } from '../progress.ts';
import type { StageEntry, StageRunOptions } from '../stages/registry.ts';
import { plainRenderer } from './plain.ts';

export function useFancyProgress(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

/**
 * Runs stages in order, rendering progress with listr2 on a terminal and as plain lines in CI
 * or when piped. Stops before the next stage when the run is interrupted.
 */
export async function executeStages(
  ctx: Context,
  entries: readonly StageEntry[],
  options: StageRunOptions,
  verbose: boolean,
): Promise<StageSummary[]> {
  const summaries: StageSummary[] = [];
  if (!useFancyProgress()) {
    const off = ctx.progress.on(plainRenderer((line) => ctx.logger.info(line), verbose));
    try {
      for (const entry of entries) {
        if (ctx.signal.aborted) break;
        summaries.push(await (await entry.load()).run(ctx, options));
      }
    } finally {
      off();
    }
    return summaries;
  }
  const tasks = new Listr(
    entries.map((entry) => ({
      title: `${entry.name}: ${entry.summary}`,
      skip: () => ctx.signal.aborted,
      task: async (_: unknown, task: { output: string; title: string }) => {
        let done = 0;
        let total = 0;
        const off = ctx.progress.on((event) => {
          if (event.type === 'stage:start') total = event.total;
          if (event.type === 'dataset:end') {
            done += 1;
            const o = event.outcome;
            task.output = `${done}/${total} ${event.id} ${o.status === 'ok' ? 'ok' : `${o.status}(${o.reason})`}`;
          }
        });
        try {
          const summary = await (await entry.load()).run(ctx, options);
          summaries.push(summary);
          task.title = `${entry.name}: ${summary.ok} ok, ${summary.processed} processed, ${summary.fresh} fresh`;
        } finally {
          off();
        }
      },
    })),
    {
      concurrent: false,
      exitOnError: true,
      // listr2's own SIGINT listener exits 127 at once; ours (contextFromOptions) finishes cleanly.
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false },
    },
  );
  await tasks.run();
  return summaries;
}
