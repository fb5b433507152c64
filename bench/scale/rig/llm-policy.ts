import { z } from 'zod';

/**
 * A deterministic stand-in for the task designer: it reads the prompt the draft stage sent
 * (the numbered column list and the CSV preview) and answers each template the way a careful
 * heuristic would. Same prompt, same answer, so reruns and shards agree.
 */

const chatBody = z.looseObject({
  messages: z.array(z.looseObject({ role: z.string(), content: z.string() })),
  response_format: z.looseObject({ json_schema: z.looseObject({ name: z.string() }).optional() }).optional(),
});

export interface PromptColumn {
  name: string;
  semantic: string;
  nullPercent: number;
  distinct: number;
  regularity: number | undefined;
}

const columnLine =
  /^\d+\. ("(?:[^"\\]|\\.)*"); [^;]*\/(\w+); nulls ([\d.]+)%; distinct (\d+)(?:.*\(regularity ([\d.]+)\))?/;

export function parseColumns(prompt: string): PromptColumn[] {
  const columns: PromptColumn[] = [];
  for (const line of prompt.split('\n')) {
    const match = columnLine.exec(line);
    if (!match) continue;
    columns.push({
      name: JSON.parse(match[1] as string) as string,
      semantic: match[2] as string,
      nullPercent: Number(match[3]),
      distinct: Number(match[4]),
      regularity: match[5] === undefined ? undefined : Number(match[5]),
    });
  }
  return columns;
}

function rowCount(prompt: string): number {
  return Number(/\((\d+) rows, \d+ columns\)/.exec(prompt)?.[1] ?? 0);
}

/** Preview values of one column (the CSV preview after the column list). */
function previewValues(prompt: string, column: string): string[] {
  const lines = prompt.split('\n');
  const start = lines.findIndex((line) => line.startsWith('Preview ('));
  if (start < 0) return [];
  const header = (lines[start + 1] ?? '').split(',');
  const at = header.indexOf(column);
  const values: string[] = [];
  for (let i = start + 2; i < lines.length && lines[i] !== '' && at >= 0; i++) {
    values.push(((lines[i] as string).split(',')[at] ?? '').trim());
  }
  return values;
}

const formats: [RegExp, string][] = [
  [/^\d{4}-\d{2}-\d{2}$/, '%Y-%m-%d'],
  [/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, '%Y-%m-%d %H:%M:%S'],
  [/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, '%Y-%m-%dT%H:%M:%S'],
  [/^\d{2}\/\d{2}\/\d{4}$/, '%m/%d/%Y'],
];

function timeFormat(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  return formats.find(([pattern]) => values.every((value) => pattern.test(value)))?.[1];
}

const isIdentifier = (column: PromptColumn, rows: number) =>
  /(^|_|\b)id$/i.test(column.name) || (column.semantic !== 'numeric' && column.distinct >= rows);
const usable = (column: PromptColumn) => column.nullPercent < 30;

function tabular(prompt: string): unknown {
  const rows = rowCount(prompt);
  const columns = parseColumns(prompt).filter((c) => usable(c) && !isIdentifier(c, rows));
  const classTarget = [...columns]
    .reverse()
    .find((c) => c.semantic === 'categorical' && c.distinct >= 2 && c.distinct <= 10);
  const regTarget = [...columns].reverse().find((c) => c.semantic === 'numeric' && c.distinct > 20);
  const target = classTarget ?? regTarget;
  const features = columns.filter(
    (c) => c !== target && (c.semantic === 'numeric' || (c.semantic === 'categorical' && c.distinct <= 50)),
  );
  if (!target || features.length === 0) {
    return {
      suitable: false,
      reason: 'policy: no target with predictors',
      problem_type: null,
      target_candidates: [],
      target: [],
      features: [],
      column_types: [],
    };
  }
  const typeOf = (c: PromptColumn) => (c.semantic === 'numeric' ? 'numerical' : 'categorical');
  return {
    suitable: true,
    reason: 'policy: a labelled target with predictors',
    problem_type: target === classTarget ? 'classification' : 'regression',
    target_candidates: [target.name],
    target: [target.name],
    features: features.map((c) => c.name),
    column_types: [target, ...features].map((c) => ({ column: c.name, type: typeOf(c) })),
  };
}

function timeSeries(prompt: string): unknown {
  const rows = rowCount(prompt);
  const columns = parseColumns(prompt).filter(usable);
  const time = columns.find(
    (c) => c.semantic === 'datetime' && timeFormat(previewValues(prompt, c.name)) !== undefined,
  );
  const numeric = columns.filter(
    (c) => c.semantic === 'numeric' && !isIdentifier(c, rows) && c.distinct > 20,
  );
  const target = numeric[numeric.length - 1];
  if (!time || !target || (time.regularity ?? 0) < 0.9) {
    return {
      suitable: false,
      reason: 'policy: no regular time column with a numeric target',
      time_column: null,
      time_format: null,
      target: [],
      exogenous_features: [],
      column_types: [],
    };
  }
  const exogenous = numeric.filter((c) => c !== target).slice(0, 5);
  return {
    suitable: true,
    reason: 'policy: a regular time column and a numeric target',
    time_column: time.name,
    time_format: timeFormat(previewValues(prompt, time.name)),
    target: [target.name],
    exogenous_features: exogenous.map((c) => c.name),
    column_types: [target, ...exogenous].map((c) => ({ column: c.name, type: 'numeric' })),
  };
}

const answers: Record<string, (prompt: string) => unknown> = {
  domain_label: () => ({ domain: 'other', reason: 'policy: one label for every dataset' }),
  tabular_design: tabular,
  time_series_design: timeSeries,
  time_series_entities: () => ({ entity_columns: [], reason: 'policy: one series' }),
  time_series_resample: () => ({ needed: false, rule: null, aggregation: null, reason: 'policy: regular' }),
};

/** The answer text for one chat-completions request body. */
export function policyAnswer(body: unknown): string {
  const parsed = chatBody.parse(body);
  const name = parsed.response_format?.json_schema?.name ?? '';
  const answer = answers[name];
  if (!answer) throw new Error(`scale policy: no answer for template ${JSON.stringify(name)}`);
  // The first user message holds the brief; retry turns (after an invalid answer) repeat it.
  const prompt = parsed.messages.find((m) => m.role === 'user')?.content ?? '';
  return JSON.stringify(answer(prompt));
}

/** Rough token counts (4 characters a token) the fake server reports as usage. */
export function policyUsage(
  body: unknown,
  answer: string,
): { prompt_tokens: number; completion_tokens: number } {
  const parsed = chatBody.parse(body);
  const chars = parsed.messages.reduce((sum, m) => sum + m.content.length, 0);
  return { prompt_tokens: Math.ceil(chars / 4), completion_tokens: Math.ceil(answer.length / 4) };
}
