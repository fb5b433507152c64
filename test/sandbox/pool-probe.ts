/**
 * A pool in its own process, for tests that must kill a pool or run one as another user:
 * `node --import tsx/esm pool-probe.ts <code>` runs one job and prints its run_code answer.
 */
import { encodeFile } from '../../pipeline/sandbox/contract.ts';
import { createLocalExecutor } from '../../pipeline/sandbox/index.ts';
import { verifyConfig } from './support.ts';

const executor = await createLocalExecutor(
  verifyConfig('verify:\n  pool_size: 1\n  limits:\n    max_disk_mb: 4\n    max_processes: 32\n'),
);
const response = await executor.runCode({
  code: process.argv[2] ?? '',
  files: { 'input.csv': encodeFile('a,b\n1,2\n') },
  fetch_files: ['out.txt'],
  run_timeout: 60,
});
console.log(JSON.stringify({ response, workerPids: executor.workerPids() }));
await executor.close();
