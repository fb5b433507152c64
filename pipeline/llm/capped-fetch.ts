import { LlmAnswerTooLarge } from './errors.ts';

/** Answers with these path endings are one completion each; batch files and listings are not. */
const completionPaths = ['/chat/completions', '/messages'];

/**
 * The fetch the SDKs use: a completion's body is read only up to `maxBytes` (the announced
 * length is checked first, then the bytes as they arrive), so a 30 MB answer is refused before
 * it is buffered, parsed, cached or quoted anywhere.
 */
export function cappedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
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
    const capped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          total += chunk.byteLength;
          if (total > maxBytes) controller.error(tooLarge(`passed ${maxBytes} bytes`));
          else controller.enqueue(chunk);
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
