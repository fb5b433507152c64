// One side of the profile bench, in its own process so its peak RSS is its own:
// `npx tsx bench/profile/ours.ts <work folder> [memory_limit] [concurrency] [threads]`
// prints {wall_ms, max_rss_kb, summary}.
import { parseConfigText } from '../../pipeline/config/load.ts';
import { createContext } from '../../pipeline/context.ts';
import { Logger } from '../../pipeline/logger.ts';
import { run } from '../../pipeline/stages/profile/index.ts';

const [root, memoryLimit = '1GB', concurrency = '2', threads = '2'] = process.argv.slice(2);
if (!root) throw new Error('usage: ours.ts <work folder> [memory_limit] [concurrency] [threads]');
const yaml = `paths:\n  raw: ${root}/raw\n  processed: ${root}/processed\nrun:\n  concurrency: ${concurrency}\nprofile:\n  memory_limit: ${memoryLimit}\n  threads: ${threads}\n`;
const parsed = parseConfigText(yaml);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const ctx = createContext({ config: parsed.config, logger: new Logger('error') });
const started = performance.now();
try {
  const summary = await run(ctx, { force: true });
  const wall_ms = Math.round(performance.now() - started);
  process.stdout.write(
    `${JSON.stringify({ wall_ms, max_rss_kb: process.resourceUsage().maxRSS, summary })}\n`,
  );
} finally {
  await ctx.close();
}
