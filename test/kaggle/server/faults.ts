export type Operation = 'list' | 'metadata' | 'view' | 'files' | 'download' | 'storage';

/** What the server does instead of (or while) answering normally. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; echoAuthorization?: boolean }
  /** HTTP 200 whose JSON body reports an error code, as Kaggle sometimes does. */
  | { kind: 'body-error'; code: number }
  /** Storage: send this many bytes of the answer, then reset the connection. */
  | { kind: 'reset'; afterBytes: number }
  /** Storage: announce the full length, send this many bytes, then close cleanly. */
  | { kind: 'truncate'; afterBytes: number }
  /** Storage: send this many bytes, then go silent (the client's idle timeout must end it). */
  | { kind: 'stall'; afterBytes: number }
  /** Metadata or files: HTTP 200 with a non-empty errorMessage. */
  | { kind: 'error-message'; message: string }
  /** Storage: announce a wrong MD5 in x-goog-hash. */
  | { kind: 'bad-md5' }
  /** Wait this long before answering. */
  | { kind: 'slow'; delayMs: number }
  /** Storage: no Content-Length and no end; zeros until the client hangs up. */
  | { kind: 'endless' }
  /** Storage: announce `announce` bytes in Content-Length, then send without end (a lie when small). */
  | { kind: 'oversize'; announce: number }
  /** Storage: no Content-Length, a few bytes every `intervalMs`, never idle long enough to stall. */
  | { kind: 'trickle'; intervalMs: number }
  /** Any JSON route: HTTP 200 with this raw body (HTML, NaN, cut-off JSON). */
  | { kind: 'raw-body'; body: string; contentType?: string }
  /** Storage: serve a hostile zip instead of the dataset's. */
  | { kind: 'zip'; zip: 'evil' | 'bomb' | 'symlink' | 'nested' | 'many' };

export interface FaultRule {
  /** Only requests about this dataset (owner/slug). */
  ref?: string;
  op?: Operation;
  /** Only the n-th request the server receives (1-based, all requests counted). */
  nth?: number;
  /** How many times the rule fires (default: every time). */
  times?: number;
  fault: Fault;
}

export interface RequestRecord {
  n: number;
  method: string;
  path: string;
  op: Operation | 'unknown';
  ref: string | undefined;
  style: 'rpc' | 'rest' | 'storage' | 'unknown';
  range: string | undefined;
  ifModifiedSince: string | undefined;
  authorization: string | undefined;
  fault: Fault['kind'] | undefined;
}

/** The first rule matching a request, consuming one of its `times`. */
export function takeFault(
  rules: FaultRule[],
  request: { n: number; op: Operation; ref: string | undefined },
): Fault | undefined {
  for (const rule of rules) {
    if (rule.ref !== undefined && rule.ref !== request.ref) continue;
    if (rule.op !== undefined && rule.op !== request.op) continue;
    if (rule.nth !== undefined && rule.nth !== request.n) continue;
    if (rule.times !== undefined) {
      if (rule.times <= 0) continue;
      rule.times -= 1;
    }
    return rule.fault;
  }
  return undefined;
}
