import type { RecordedRequest, Reply } from '../llm/servers/loopback.ts';
import { okChat } from '../llm/servers/openai-fake.ts';

/** How the fake model rewrites the v1 question (v2 is always rewritten faithfully). */
export type Mode =
  | { kind: 'faithful' }
  | { kind: 'drop_keep_missing' }
  | { kind: 'drop_upper_bound'; column: string }
  | { kind: 'drop_column'; column: string }
  /** An answer that does not fit the rewrite schema (for every question). */
  | { kind: 'off_schema' };

const intro =
  'Please complete the task as described below without asking any follow-up questions or requesting additional information.';

/** "3" -> "3.0" and "45.0" -> "45": the check must read numbers by value. */
const reformat = (n: string) => (/^-?\d+$/.test(n) ? `${n}.0` : n.replace(/\.0$/, ''));

/**
 * A plausible rewrite of the templated question, as a model following the prompt would
 * write it: columns introduced by their description, bounds reformatted, the intro shortened.
 */
export function faithful(question: string, descriptions: Map<string, string>): string {
  let text = question.replace(intro, 'Complete the task below without asking any questions.');
  for (const [name, description] of descriptions) {
    text = text.replace(`\`${name}\``, `the ${description} (\`${name}\`)`);
  }
  return text.replace(
    /between (\S+) and (\S+) inclusive/g,
    (_, min: string, max: string) => `from ${reformat(min)} up to ${reformat(max)} (inclusive)`,
  );
}

function parsePrompt(request: RecordedRequest): { question: string; descriptions: Map<string, string> } {
  const body = request.json() as { messages: { role: string; content: string }[] };
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const [head = '', question = ''] = user.split('\n\nTask statement:\n');
  const descriptions = new Map<string, string>();
  for (const line of head.split('\n')) {
    const match = /^- `([^`]+)`: (.*)$/.exec(line);
    if (match?.[1] && match[2]) descriptions.set(match[1], match[2]);
  }
  return { question, descriptions };
}

export function rewriteHandler(mode: () => Mode): (request: RecordedRequest) => Reply {
  return (request) => {
    const { question, descriptions } = parsePrompt(request);
    if (mode().kind === 'off_schema') return okChat(JSON.stringify({ text: question }));
    let text = faithful(question, descriptions);
    const current = mode();
    if (question.includes('val_v1') && current.kind !== 'faithful' && current.kind !== 'off_schema') {
      if (current.kind === 'drop_keep_missing') {
        text = text.replace(
          'Exclude only the rows that violate these expected ranges with a known (non-missing) value; if a value is missing, keep the row.',
          'Exclude the rows that violate these expected ranges.',
        );
      } else if (current.kind === 'drop_upper_bound') {
        const name = current.column;
        const clause = new RegExp(`(\`${name}\`\\)? from \\S+) up to \\S+ \\(inclusive\\)`);
        text = text.replace(clause, '$1 upwards');
      } else {
        const name = current.column;
        const description = descriptions.get(name);
        if (description) text = text.replaceAll(`the ${description} (\`${name}\`)`, 'another column');
        text = text.replaceAll(`\`${name}\``, 'another column');
      }
    }
    return okChat(JSON.stringify({ question: text }));
  };
}
