import type { ProgressEvent } from '../progress.ts';

/**
 * Plain progress lines for CI and pipes: one line per finished dataset, none per fresh one
 * unless verbose (a rerun of thousands of fresh datasets should not flood the log).
 */
export function plainRenderer(
  write: (line: string) => void,
  verbose: boolean,
): (event: ProgressEvent) => void {
  const done = new Map<string, number>();
  const totals = new Map<string, number>();
  return (event) => {
    switch (event.type) {
      case 'stage:start':
        totals.set(event.stage, event.total);
        done.set(event.stage, 0);
        write(`[${event.stage}] ${event.total} dataset(s)`);
        break;
      case 'dataset:progress':
        if (verbose) write(`[${event.stage}] ${event.id}: ${event.message}`);
        break;
      case 'dataset:end': {
        const n = (done.get(event.stage) ?? 0) + 1;
        done.set(event.stage, n);
        if (event.fresh && !verbose) break;
        const { outcome } = event;
        const what = outcome.status === 'ok' ? 'ok' : `${outcome.status}(${outcome.reason})`;
        const fresh = event.fresh ? ' fresh' : '';
        write(
          `[${event.stage}] ${n}/${totals.get(event.stage) ?? '?'} ${event.id} ${what}${fresh} ${event.ms}ms`,
        );
        break;
      }
      case 'stage:end':
        write(
          `[${event.summary.stage}] done: ${event.summary.processed} processed, ${event.summary.fresh} fresh`,
        );
        break;
      default:
        break;
    }
  };
}
