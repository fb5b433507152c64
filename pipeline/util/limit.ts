/**
 * At most `limit` tasks run at once; the others wait in arrival order. The one concurrency
 * limiter of the pipeline (datasets of a stage, corpus tasks, LLM calls, Kaggle downloads):
 * our own dozen lines rather than p-limit, which is not a dependency and would add nothing.
 */
export class Semaphore {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active += 1;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}

/**
 * Runs `fn` over items, at most `limit` at once, started in order of items; stops taking new
 * ones when aborted or once one call threw. A throw is rethrown only after every call in
 * flight ended.
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const semaphore = new Semaphore(limit);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item) =>
      semaphore.run(async () => {
        if (signal?.aborted || failure) return;
        try {
          await fn(item);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure) throw failure.error;
}
