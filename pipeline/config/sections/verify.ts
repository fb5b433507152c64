import { z } from 'zod';

const sandboxLimits = z
  .strictObject({
    run_timeout_s: z
      .number()
      .positive()
      .max(3600)
      .default(200)
      .describe('Wall-clock seconds a job may run before it is killed (the paper used 200 s).'),
    memory_limit_mb: z
      .int()
      .min(256)
      .default(2048)
      .describe(
        'Address-space limit of a job in MiB (RLIMIT_AS). The warm worker already maps pandas and scikit-learn, so keep this above ~1024.',
      ),
    max_processes: z
      .int()
      .min(1)
      .max(4096)
      .default(64)
      .describe(
        'Processes (and threads) a job may have at once (RLIMIT_NPROC of its uid); contains fork bombs.',
      ),
    max_file_mb: z.int().min(1).default(256).describe('Largest file a job may write, in MiB (RLIMIT_FSIZE).'),
    max_disk_mb: z
      .int()
      .min(1)
      .default(512)
      .describe(
        'Total MiB a job may write beyond its input files, in its folder and /tmp together (a size-limited tmpfs, so it is memory; file count is limited to 64 per MiB). Writes past it fail with "No space left on device".',
      ),
    max_output_bytes: z
      .int()
      .min(1024)
      .default(1024 * 1024)
      .describe('Bytes of stdout (and of stderr) kept per job; a job printing more is killed.'),
  })
  .describe('Limits applied to every sandboxed job.');

const remoteExecutor = z
  .strictObject({
    url: z
      .string()
      .default('')
      .describe('Base URL of a SandboxFusion service (POST <url>/run_code); empty: no remote executor.'),
    concurrency: z.int().min(1).max(1024).default(8).describe('Requests in flight at once.'),
    retries: z
      .int()
      .min(0)
      .max(20)
      .default(5)
      .describe(
        'Retries on SandboxError answers, non-200 answers and network errors, with jittered backoff.',
      ),
    request_timeout_s: z
      .number()
      .positive()
      .default(300)
      .describe('Seconds to wait for one run_code answer (should exceed run_timeout_s).'),
  })
  .describe('The SandboxFusion HTTP executor, for scale-out beyond one machine.');

export const verifySection = z
  .strictObject({
    python: z
      .string()
      .default('/usr/bin/python3')
      .describe('The Python interpreter with pandas and scikit-learn that runs reference solutions.'),
    executor: z
      .enum(['local', 'remote'])
      .default('local')
      .describe(
        'local: the warm sandbox pool on this machine; remote: a SandboxFusion service (verify.remote).',
      ),
    bwrap: z
      .string()
      .default('/usr/bin/bwrap')
      .describe(
        'The bubblewrap binary that isolates workers: no network, read-only system, private /proc and /dev.',
      ),
    pool_size: z
      .int()
      .min(0)
      .max(256)
      .default(0)
      .describe('Warm Python workers in the local pool; 0 means one per CPU core.'),
    blas_threads: z
      .int()
      .min(1)
      .max(64)
      .default(1)
      .describe('BLAS/OpenMP threads per worker (the pool already uses every core).'),
    job_uid_base: z
      .int()
      .min(1000)
      .max(2 ** 31 - 1024)
      .default(60000)
      .describe(
        'When running as root, each worker slot runs its jobs as its own unprivileged uid/gid (so process limits apply), claimed from this uid upwards; claims in <tmp>/dare-forge-job-uids keep concurrent pools apart.',
      ),
    limits: sandboxLimits.prefault({}),
    remote: remoteExecutor.prefault({}),
  })
  .describe('The verify stage (reference solutions in a sandbox).');

export type VerifyConfig = z.infer<typeof verifySection>;
export type SandboxLimits = z.infer<typeof sandboxLimits>;
