import { resolve } from 'node:path';
import type { Command } from 'commander';
import { asDatasetId } from '../ids.ts';
import { formatJson, writeFileAtomic } from '../store/atomic.ts';
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
      'why every dataset and task passed or was rejected: funnel, reasons, checks, scores, LLM cost, timings',
    )
    .argument('[dataset]', 'one dataset id (owner_slug) to show its whole story')
    .option('-c, --config <file>', 'YAML config file', DEFAULT_CONFIG)
    .option('--json', 'print JSON instead of tables')
    .option(
      '--html [file]',
      'also write a self-contained HTML report with charts (default reports/audit.html)',
    )
    .addHelpText(
      'after',
      '\nReads every artifact under processed/ (DuckDB over the JSON files) and the newest release.\nExamples:\n' +
        '  $ dare-forge audit\n  $ dare-forge audit --html\n  $ dare-forge audit vega-datasets_penguins --json\n',
    )
    .action(async (dataset: string | undefined, options: AuditOptions) => {
      const ctx = await contextFromOptions({ config: options.config });
      try {
        if (dataset) {
          const { datasetStory, storyText } = await import('../audit/story.ts');
          const id = asDatasetId(dataset.replace('/', '_'));
          await requireKnownDataset(ctx, id);
          const story = await datasetStory(ctx, id);
          process.stdout.write(options.json ? formatJson(story) : storyText(story));
          return;
        }
        const { collectAudit } = await import('../audit/collect.ts');
        const data = await collectAudit(ctx);
        if (options.json) process.stdout.write(formatJson(data));
        else {
          const { auditText } = await import('../audit/terminal.ts');
          process.stdout.write(auditText(data));
        }
        if (options.html) {
          const { auditHtml } = await import('../audit/html.ts');
          const path = resolve(options.html === true ? 'reports/audit.html' : options.html);
          await writeFileAtomic(path, auditHtml(data, `dare-forge audit: ${ctx.config.corpus.name}`));
          process.stderr.write(`HTML report: ${path}\n`);
        }
      } finally {
        await ctx.close();
      }
    });
}
