import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { asDatasetId } from '../ids.ts';
import { formatJson } from '../store/atomic.ts';
import { contextFromOptions, DEFAULT_CONFIG, requireKnownDataset } from './common.ts';

interface AuditOptions {
  config: string;
  json?: boolean;
  html?: string | true;
}

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      'why every dataset and task passed or was rejected: funnel, reasons, checks, scores, LLM cost, timings, calibration',
    )
    .argument('[dataset]', 'one dataset id (owner_slug) to show its whole story')
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option('--json', 'print JSON instead of tables')
    .option(
      '--html [file]',
      'also write the HTML report: this index (funnel, charts, task table) and a page per dataset and task beside it in datasets/ and tasks/ (default reports/audit.html)',
    )
    .addHelpText(
      'after',
      '\nReads every artifact under processed/ (DuckDB over the JSON files) and the newest release, with its\ncalibration (solve rate, mean score, flags) when `dare-forge calibrate` wrote one.\nExamples:\n' +
        '  $ dare-forge audit\n  $ dare-forge audit --html\n  $ dare-forge audit vega-datasets_penguins --json\n',
    )
    .action(async (dataset: string | undefined, options: AuditOptions) => {
      const ctx = await contextFromOptions({ config: options.config });
      const html = options.html
        ? resolve(options.html === true ? 'reports/audit.html' : options.html)
        : undefined;
      try {
        if (html) {
          const { requireWritableDir } = await import('../util/writable.ts');
          await requireWritableDir(dirname(html), '--html');
        }
        if (dataset) {
          const { datasetStory, storyText } = await import('../audit/story.ts');
          const id = asDatasetId(dataset.replace('/', '_'));
          await requireKnownDataset(ctx, id);
          const story = await datasetStory(ctx, id);
          const { datasetCalibration } = await import('../audit/calibration-story.ts');
          const calibration = await datasetCalibration(ctx.paths.splits, story.release?.version, id);
          if (options.json) process.stdout.write(formatJson({ ...story, calibration: calibration.data }));
          else process.stdout.write(`${storyText(story)}${calibration.text}`);
          if (calibration.hint) process.stderr.write(`${calibration.hint}\n`);
          return;
        }
        const { collectAudit } = await import('../audit/collect.ts');
        const data = await collectAudit(ctx);
        if (!data.calibration && data.release) {
          const { calibrationHint } = await import('../audit/calibration.ts');
          process.stderr.write(`${calibrationHint(ctx.paths.splits, data.release.version)}\n`);
        }
        if (options.json) process.stdout.write(formatJson(data));
        else {
          const { auditText } = await import('../audit/terminal.ts');
          process.stdout.write(auditText(data));
        }
        if (html) {
          const { writeSite } = await import('../audit/site.ts');
          const { checksConfig } = await import('../stages/verify/index.ts');
          const path = html;
          await writeSite(ctx, data, path, `dare-forge audit: ${ctx.config.corpus.name}`, checksConfig(ctx));
          process.stderr.write(`HTML report: ${path} (pages under ${dirname(path)}/datasets and tasks)\n`);
        }
      } finally {
        await ctx.close();
      }
    });
}
