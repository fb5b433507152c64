/** Resolver answers another try cannot change: the host name does not resolve from here. */
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/**
 * `cannot resolve host <name> (<code>)` when a DNS lookup failed anywhere in the cause chain
 * (fetch wraps it as TypeError('fetch failed', { cause }), the SDKs wrap that again).
 */
export function dnsFailure(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const { code, hostname } = current as { code?: unknown; hostname?: unknown };
    if (typeof code === 'string' && dnsCodes.has(code)) {
      return `cannot resolve host ${typeof hostname === 'string' ? hostname : '(unknown)'} (${code})`;
    }
    current = current.cause;
  }
  return undefined;
}
