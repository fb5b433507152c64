import { LlmAnswerTooLarge, LlmBodyTimeout } from './errors.ts';

/** Answers with these path endings are one completion each; batch files and listings are not. */
const completionPaths = ['/chat/completions', '/messages', '/responses'];

/**
 * The fetch the SDKs use: a completion's body is read only up to `maxBytes` (the announced
 * length is checked first, then the bytes as they arrive), so a 30 MB answer is refused before
 * it is buffered, parsed, cached or quoted anywhere. The SDKs' timeout ends at the headers; here
 * the whole body must arrive within `timeoutMs` of the request, so a trickle cannot hold a call.
 */
export function cappedFetch(maxBytes: number, timeoutMs: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const started = Date.now();
    const response = await base(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!response.body || !completionPaths.some((path) => url.pathname.endsWith(path))) return response;
    const tooLarge = (found: string) =>
      new LlmAnswerTooLarge(
        `the answer ${found}, more than llm.max_answer_bytes (${maxBytes} bytes); it was not read further`,
      );
    const announced = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(announced) && announced > maxBytes) {
      await response.body.cancel();
      throw tooLarge(`announces ${announced} bytes`);
    }
    let total = 0;
    let timer: NodeJS.Timeout | undefined;
    const capped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        start(controller) {
          const late = () =>
            controller.error(
              new LlmBodyTimeout(`the answer did not arrive within llm.timeout_ms (${timeoutMs} ms)`),
            );
          timer = setTimeout(late, Math.max(0, timeoutMs - (Date.now() - started)));
          timer.unref();
        },
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total > maxBytes) controller.error(tooLarge(`passed ${maxBytes} bytes`));
          else controller.enqueue(chunk);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    return new Response(capped, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
