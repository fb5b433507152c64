/**
 * The one lenient JSON reader for third-party corpus metadata (all_metadata.json,
 * question_list.json). Python's `json.load`, which the published tools use, accepts bare
 * `NaN`, `Infinity` and `-Infinity`; JSON.parse does not. They become null here.
 *
 * One linear pass over the text (no regular expression: a backtracking pattern over a 12 MB
 * string overflows the stack), strings copied verbatim so "Infinity War" keeps its words,
 * nesting bounded so a hostile file cannot exhaust the stack of whoever reads the value.
 */
export type LenientJsonResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'too_deep' | 'not_json'; detail: string };

/** Python's json module gives up near its recursion limit (1000); so do we. */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

const bareTokens = ['-Infinity', 'Infinity', 'NaN'] as const;

export function parseLenientJson(text: string, maxDepth = MAX_JSON_DEPTH): LenientJsonResult {
  const parts: string[] = [];
  let copiedUpTo = 0;
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // Skip the string: a backslash escapes the next character, whatever it is.
      index += 1;
      while (index < text.length) {
        const inner = text.charCodeAt(index);
        if (inner === BACKSLASH) index += 2;
        else if (inner === QUOTE) break;
        else index += 1;
      }
      index += 1;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) {
        return {
          ok: false,
          reason: 'too_deep',
          detail: `nested deeper than ${maxDepth} levels at character ${index}`,
        };
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    } else {
      const token = bareTokens.find((t) => text.startsWith(t, index));
      if (token) {
        parts.push(text.slice(copiedUpTo, index), 'null');
        index += token.length;
        copiedUpTo = index;
        continue;
      }
    }
    index += 1;
  }
  parts.push(text.slice(copiedUpTo));
  try {
    return { ok: true, value: JSON.parse(parts.join('')) };
  } catch (error) {
    return { ok: false, reason: 'not_json', detail: error instanceof Error ? error.message : String(error) };
  }
}
