#!/usr/bin/env node
// Runs the TypeScript CLI: from the compiled copy bin/compiled.js keeps in .work/cli/ (fast
// start), or through tsx's loader when that copy cannot be made, so `npx dare-forge` works
// without a build step either way.
import { compiledCli } from './compiled.js';

// `dare-forge audit | head` closes our stdout early: that is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const compiled = process.env.DARE_FORGE_TSX === '1' ? undefined : await compiledCli();
let cli;
if (compiled) {
  process.setSourceMapsEnabled(true);
  cli = await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../pipeline/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
