export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  write(line: string): void;
}

/**
 * Levelled logger that never lets a registered secret through: every line is scrubbed
 * before it reaches the sink, whoever built the message.
 */
export class Logger {
  readonly #secrets = new Set<string>();
  readonly #sink: LogSink;
  readonly #level: LogLevel;

  constructor(level: LogLevel = 'info', sink: LogSink = { write: (line) => process.stderr.write(line) }) {
    this.#level = level;
    this.#sink = sink;
  }

  /** Registers a secret (API key, token) to be replaced by *** wherever it appears. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return out;
  }

  get level(): LogLevel {
    return this.#level;
  }

  log(level: LogLevel, message: string): void {
    if (rank[level] < rank[this.#level]) return;
    const prefix = level === 'info' ? '' : `${level}: `;
    this.#sink.write(`${this.redact(prefix + message)}\n`);
  }

  debug(message: string): void {
    this.log('debug', message);
  }
  info(message: string): void {
    this.log('info', message);
  }
  warn(message: string): void {
    this.log('warn', message);
  }
  error(message: string): void {
    this.log('error', message);
  }
}
