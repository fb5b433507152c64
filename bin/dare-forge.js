#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx dare-forge` works without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../pipeline/cli.ts');
process.exitCode = await main(process.argv.slice(2));
