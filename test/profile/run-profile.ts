// Runs the profile stage over a work folder: `npx tsx test/profile/run-profile.ts <root>`.
// The crash test SIGKILLs this process mid-run.
import { run } from '../../pipeline/stages/profile/index.ts';
import { profileContext } from './support.ts';

const root = process.argv[2];
if (!root) throw new Error('usage: run-profile.ts <work folder>');
const ctx = profileContext(root);
try {
  const summary = await run(ctx);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await ctx.close();
}
