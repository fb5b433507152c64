import { availableParallelism } from 'node:os';
import type { SandboxLimits } from '../config/sections/verify.ts';
import { errorMessage } from '../errors.ts';
import {
  type Executor,
  overallStatus,
  type RunCodeRequest,
  type RunCodeResponse,
  type RunOptions,
  runCodeRequestSchema,
  sandboxError,
} from './contract.ts';
import { canSwitchUid, checkIsolationTools, workerCommand } from './isolation.ts';
import { jobFiles, safeRelativePath } from './job-files.ts';
import type { WorkerJob, WorkerResult } from './protocol.ts';
import { systemView, type ViewEntry } from './system-view.ts';
import { claimJobUid, type UidClaim } from './uid-claims.ts';
import { WorkerProcess } from './worker-process.ts';

export interface LocalExecutorOptions {
  python: string;
  bwrap: string;
  /** Workers in the pool; 0 means one per CPU core. */
  poolSize: number;
  blasThreads: number;
  jobUidBase: number;
  limits: SandboxLimits;
}

interface Slot {
  /** The uid this slot's jobs run as (claimed for the pool's lifetime), or null. */
  uid: UidClaim | null;
  worker: WorkerProcess;
  busy: boolean;
}

/**
 * The SandboxFusion contract on this machine: a pool of warm, sandboxed Python workers
 * (pandas and scikit-learn imported once), each running one job at a time in a fresh folder.
 * Job files never touch the host disk: they travel through the worker's pipe into the job's
 * own tmpfs, which vanishes with the job (nothing is left behind, even by a killed pool).
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  readonly #options: LocalExecutorOptions;
  readonly #view: readonly ViewEntry[];
  readonly #slots: Slot[] = [];
  readonly #waiting: Array<(slot: Slot) => void> = [];
  #jobCounter = 0;
  #restarts = 0;
  #closed = false;

  private constructor(options: LocalExecutorOptions, view: readonly ViewEntry[]) {
    this.#options = options;
    this.#view = view;
  }

  /** Starts the pool and waits until every worker has its libraries imported. */
  static async create(options: LocalExecutorOptions): Promise<LocalExecutor> {
    await checkIsolationTools(options.bwrap, options.python);
    const executor = new LocalExecutor(options, await systemView(options.python));
    const size = options.poolSize > 0 ? options.poolSize : availableParallelism();
    try {
      for (let index = 0; index < size; index++) {
        const uid = canSwitchUid() ? await claimJobUid(options.jobUidBase) : null;
        executor.#slots.push({ uid, worker: executor.#startWorker(uid), busy: false });
      }
      await Promise.all(executor.#slots.map((slot) => slot.worker.ready()));
    } catch (error) {
      await executor.close();
      throw new Error(`sandbox workers failed to start: ${errorMessage(error)}`);
    }
    return executor;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** How many crashed or hung workers were replaced so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The uids jobs run as (empty when not root), for monitoring. */
  jobUids(): number[] {
    return this.#slots.flatMap((slot) => (slot.uid ? [slot.uid.uid] : []));
  }

  /** Process ids of the workers' sandboxes (for monitoring). */
  workerPids(): number[] {
    return this.#slots.map((slot) => slot.worker.pid).filter((pid): pid is number => pid !== undefined);
  }

  async runCode(input: RunCodeRequest, options: RunOptions = {}): Promise<RunCodeResponse> {
    const parsed = runCodeRequestSchema.safeParse(input);
    if (!parsed.success) return sandboxError(`invalid run_code request: ${parsed.error.message}`);
    const request = parsed.data;
    if (request.stdin)
      return sandboxError('stdin is not supported by the local executor; pass a file instead');
    if (this.#closed) return sandboxError('the local executor is closed');
    const files = jobFiles(request.files);
    if (!files.ok) return sandboxError(files.message);
    const limits = this.#options.limits;
    const job: WorkerJob = {
      id: String(++this.#jobCounter),
      code: request.code,
      files: files.files,
      fetch_files: request.fetch_files.filter((path) => safeRelativePath(path).ok),
      timeout_s: request.run_timeout,
      memory_mb: request.memory_limit_MB > 0 ? request.memory_limit_MB : limits.memory_limit_mb,
      max_processes: limits.max_processes,
      max_file_mb: limits.max_file_mb,
      max_disk_mb: limits.max_disk_mb,
      max_output_bytes: limits.max_output_bytes,
    };
    try {
      const result = await this.#runOnWorker(job, options.signal);
      if (result.status === 'Error') return sandboxError(`sandbox worker: ${result.message}`);
      const { id: _id, truncated: _truncated, files: fetched, blocked, ...run } = result;
      return {
        status: overallStatus(run),
        message: '',
        compile_result: null,
        run_result: run,
        files: Object.fromEntries(
          job.fetch_files.flatMap((path) => (path in fetched ? [[path, fetched[path]!]] : [])),
        ),
        executor_pod_name: 'local',
        blocked_attempts: blocked,
      };
    } catch (error) {
      return sandboxError(errorMessage(error));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((slot) => slot.worker.stop()));
    await Promise.all(this.#slots.map((slot) => slot.uid?.release()));
  }

  /** A worker that dies under a job (killed, OOM) is replaced and the job retried once. */
  async #runOnWorker(job: WorkerJob, signal: AbortSignal | undefined): Promise<WorkerResult> {
    try {
      return await this.#attempt(job, signal);
    } catch (error) {
      if (signal?.aborted || this.#closed) throw error;
      return this.#attempt(job, signal);
    }
  }

  async #attempt(job: WorkerJob, signal: AbortSignal | undefined): Promise<WorkerResult> {
    const slot = await this.#acquire();
    const abort = () => slot.worker.kill();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      if (signal?.aborted) throw new Error('aborted before the job started');
      return await slot.worker.run(job);
    } finally {
      signal?.removeEventListener('abort', abort);
      this.#release(slot);
    }
  }

  #startWorker(uid: UidClaim | null): WorkerProcess {
    const options = this.#options;
    const command = workerCommand({
      bwrap: options.bwrap,
      python: options.python,
      view: this.#view,
      jobUid: uid?.uid ?? null,
      blasThreads: options.blasThreads,
    });
    return new WorkerProcess(command);
  }

  #acquire(): Promise<Slot> {
    const idle = this.#slots.find((slot) => !slot.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(this.#healthy(idle));
    }
    return new Promise((resolve) => this.#waiting.push((slot) => resolve(this.#healthy(slot))));
  }

  #release(slot: Slot): void {
    const next = this.#waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /** A dead worker is replaced before the slot takes its next job. */
  #healthy(slot: Slot): Slot {
    if (!slot.worker.alive && !this.#closed) {
      slot.worker.kill();
      slot.worker = this.#startWorker(slot.uid);
      this.#restarts++;
    }
    return slot;
  }
}
