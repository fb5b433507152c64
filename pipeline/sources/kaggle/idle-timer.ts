import { Transform } from 'node:stream';
import { RetryableFailure } from './http.ts';

/** Aborts a transfer that makes no progress for `ms` (a whole-download timeout would kill big files). */
export class IdleTimer {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal;
  /** Whether this timer (not the caller) ended the transfer. */
  fired = false;

  constructor(ms: number, outer?: AbortSignal) {
    this.#ms = ms;
    this.signal = outer ? AbortSignal.any([outer, this.#controller.signal]) : this.#controller.signal;
    this.touch();
  }

  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(
        new RetryableFailure(`no data for ${this.#ms} ms`, undefined, 'download_stalled'),
      );
    }, this.#ms);
    this.#timer.unref();
  }

  transform(): Transform {
    return new Transform({
      transform: (chunk, _encoding, callback) => {
        this.touch();
        callback(null, chunk);
      },
    });
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
