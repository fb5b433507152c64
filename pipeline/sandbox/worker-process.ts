import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type WorkerJob, type WorkerResult, workerReadySchema, workerResultSchema } from './protocol.ts';

export interface WorkerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Seconds a worker may take beyond a job's own timeout before we call it hung and kill it. */
const HUNG_GRACE_S = 30;
const STDERR_TAIL = 4096;

/**
 * One warm Python worker (verifiers/worker.py inside its sandbox), running one job at a time.
 * A worker that exits or hangs fails its current job and is reported dead; the pool replaces it.
 */
export class WorkerProcess {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #ready: Promise<void>;
  #stderrTail = '';
  #pending: { resolve: (result: WorkerResult) => void; reject: (error: Error) => void } | undefined;
  #dead: Error | undefined;
  #onDeath: ((error: Error) => void) | undefined;

  constructor(command: WorkerCommand, startupTimeoutMs = 120_000) {
    // Its own process group: a Ctrl-C at the terminal signals our whole group, and the worker must
    // live on so the jobs in flight finish. It still ends with us: its stdin closes when we exit.
    this.#child = spawn(command.command, command.args, {
      env: command.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderrTail = (this.#stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.#child.stdin.on('error', () => {}); // an exit is reported through 'exit'
    const lines = createInterface({ input: this.#child.stdout });
    this.#ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new Error(`worker did not get ready within ${startupTimeoutMs / 1000} s`));
      }, startupTimeoutMs);
      const onDeath = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.#onDeath = onDeath;
      lines.once('line', (line) => {
        clearTimeout(timer);
        const ready = workerReadySchema.safeParse(parseJson(line));
        if (ready.success) resolve();
        else this.#fail(new Error(`worker spoke before getting ready: ${line.slice(0, 200)}`));
      });
    });
    this.#ready.catch(() => {});
    lines.on('line', (line) => this.#onLine(line));
    this.#child.on('error', (error) => this.#fail(error));
    this.#child.on('exit', (code, signal) => {
      this.#fail(new Error(`worker exited (${signal ?? `code ${code}`})${this.#describeStderr()}`));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  async run(job: WorkerJob): Promise<WorkerResult> {
    await this.#ready;
    if (this.#dead) throw this.#dead;
    if (this.#pending) throw new Error('worker is busy: the pool must not hand it two jobs');
    return new Promise<WorkerResult>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#fail(new Error(`worker hung: no answer ${HUNG_GRACE_S} s past the job's timeout`)),
        (job.timeout_s + HUNG_GRACE_S) * 1000,
      );
      this.#pending = {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#child.stdin.write(`${JSON.stringify(job)}\n`);
    });
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  /**
   * Ends the worker: closing its stdin lets it exit on its own, so the sandbox tears down
   * cleanly (a SIGKILLed sandbox leaves its inner process to whatever reaps orphans); a
   * worker still running after `graceMs` is killed.
   */
  stop(graceMs = 2000): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#fail(new Error('worker stopped'), false);
    this.#child.stdin.end();
    const timer = setTimeout(() => this.kill(), graceMs);
    return exited.finally(() => clearTimeout(timer));
  }

  #onLine(line: string): void {
    const pending = this.#pending;
    if (!pending) return; // the ready line, handled above
    this.#pending = undefined;
    const parsed = workerResultSchema.safeParse(parseJson(line));
    if (parsed.success) pending.resolve(parsed.data);
    else pending.reject(new Error(`worker answered an unreadable line: ${line.slice(0, 200)}`));
  }

  #fail(error: Error, kill = true): void {
    if (this.#dead) return;
    this.#dead = error;
    this.#onDeath?.(error);
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
    if (kill && this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
  }

  #describeStderr(): string {
    const tail = this.#stderrTail.trim();
    return tail ? `: ${tail.split('\n').slice(-5).join(' | ')}` : '';
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
