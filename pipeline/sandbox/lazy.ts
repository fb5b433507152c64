import type { Executor, RunCodeRequest, RunCodeResponse, RunOptions } from './contract.ts';

/**
 * An executor started on its first job: a verify run with every dataset fresh (and a cached
 * environment fingerprint) starts no Python at all. `started` says whether it ever did.
 */
export class LazyExecutor implements Executor {
  readonly name: string;
  readonly #create: () => Promise<Executor>;
  #executor: Promise<Executor> | undefined;

  constructor(name: string, create: () => Promise<Executor>) {
    this.name = name;
    this.#create = create;
  }

  get started(): boolean {
    return this.#executor !== undefined;
  }

  async runCode(request: RunCodeRequest, options?: RunOptions): Promise<RunCodeResponse> {
    this.#executor ??= this.#create();
    return (await this.#executor).runCode(request, options);
  }

  async close(): Promise<void> {
    if (this.#executor) await (await this.#executor).close();
  }
}
