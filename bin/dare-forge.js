#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx dare-forge` works without a build step.
import { register } from 'tsx/esm/api';

// `dare-forge audit | head` closes our stdout early: that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import('../pipeline/cli.ts');
process.exitCode = await main(process.argv.slice(2));
