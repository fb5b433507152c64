/**
 * The "model" behind the loopback servers: a deterministic policy that reads the prompt (the
 * numbered column list the draft prompts render) and answers like a careful designer, plus a
 * script of bad answers and transport faults for chosen datasets.
 */

export interface PromptColumn {
  name: string;
  semantic: string;
  distinct: number;
}

const columnLine = /^\d+\. ("(?:[^"\\]|\\.)*"); [^;/]+\/([a-z_]+); nulls [^;]+; distinct (\d+)/;

export function promptColumns(text: string): PromptColumn[] {
  return text.split('\n').flatMap((line) => {
    const match = columnLine.exec(line);
    if (!match) return [];
    return [
      { name: String(JSON.parse(match[1] ?? '""')), semantic: match[2] ?? '', distinct: Number(match[3]) },
    ];
  });
}

/**
 * The main table's file stem ("Main table: lung-capacity-of-kids.csv (...)"): names the dataset
 * in design prompts (the domain prompt shows no table, so faults never target it).
 */
export function tableOf(text: string): string {
  return /Main table: ([^\s.]+)/.exec(text)?.[1] ?? '';
}

/** A careful design: the last column is the target; classification when it has few values. */
export function goodAnswer(template: string, text: string): unknown {
  const columns = promptColumns(text);
  if (template === 'domain_label') return { domain: 'other', reason: 'policy' };
  if (template === 'time_series_design') {
    return {
      suitable: false,
      reason: 'no timestamp orders the rows',
      time_column: null,
      time_format: null,
      target: [],
      exogenous_features: [],
      column_types: [],
    };
  }
  if (template !== 'tabular_design') throw new Error(`the policy has no answer for ${template}`);
  const target = columns.at(-1);
  if (!target) throw new Error('the prompt lists no columns');
  const features = columns.slice(0, -1);
  const numeric = (column: PromptColumn) => column.semantic === 'numeric';
  const classification = !numeric(target) || target.distinct <= 20;
  return {
    suitable: true,
    reason: 'independent labelled rows',
    problem_type: classification ? 'classification' : 'regression',
    target_candidates: [target.name],
    target: [target.name],
    features: features.map((column) => column.name),
    column_types: columns.map((column) => ({
      column: column.name,
      type: numeric(column) && !(column === target && classification) ? 'numerical' : 'categorical',
    })),
  };
}

/** What the server does instead of answering well. */
export type Fault =
  | { kind: 'malformed' }
  | { kind: 'answer'; answer: (good: Record<string, unknown>, text: string) => unknown }
  | { kind: 'status'; status: 429 | 500; retryAfterSeconds?: number }
  | { kind: 'hang' }
  /** HTTP 200 with a proxy's HTML page instead of a completion. */
  | { kind: 'html' }
  /** A well-formed answer padded to `bytes` (a model that will not stop). */
  | { kind: 'huge'; bytes: number };

/** Faults by `<table>/<template>`, one entry per call in order; later calls are answered well. */
export type FaultScript = Record<string, Fault[]>;

export const hallucinated: Fault = {
  kind: 'answer',
  answer: (good) => ({
    ...good,
    target: ['Lung_Capacity_Litres'],
    target_candidates: ['Lung_Capacity_Litres'],
  }),
};

/** Regression on a yes/no column: valid JSON, a real column, the wrong kind of target. */
export const wrongType: Fault = {
  kind: 'answer',
  answer: (good) => ({
    ...good,
    problem_type: 'regression',
    target: ['school_support'],
    target_candidates: ['school_support'],
    features: ['study_hours', 'absences', 'final_grade'],
    column_types: [
      { column: 'school_support', type: 'numerical' },
      { column: 'study_hours', type: 'numerical' },
      { column: 'absences', type: 'numerical' },
      { column: 'final_grade', type: 'numerical' },
    ],
  }),
};

/** Every kind of bad answer, spread over four fixture datasets. */
export function standardScript(): FaultScript {
  return {
    'avocado-ripeness-classification-dataset/time_series_design': [
      { kind: 'status', status: 429, retryAfterSeconds: 2 },
    ],
    'avocado-ripeness-classification-dataset/tabular_design': [{ kind: 'malformed' }],
    'lung-capacity-of-kids/tabular_design': [hallucinated, hallucinated],
    'student-performance-estimation/tabular_design': [wrongType, wrongType],
    'car-data-small-dataset-good-for-learning/tabular_design': [{ kind: 'status', status: 500 }],
    'car-data-small-dataset-good-for-learning/time_series_design': [{ kind: 'hang' }],
  };
}

export type Decision =
  | { kind: 'answer'; text: string }
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'hang' }
  | { kind: 'html' };

/** Decides one call: the next scripted fault for this dataset and template, else the good answer. */
export function decide(script: FaultScript, template: string, prompt: string): Decision {
  const key = `${tableOf(prompt)}/${template}`;
  const good = goodAnswer(template, prompt) as Record<string, unknown>;
  const fault = script[key]?.shift();
  if (!fault) return { kind: 'answer', text: JSON.stringify(good) };
  if (fault.kind === 'malformed') return { kind: 'answer', text: '{"suitable": true, "reason": "cut off' };
  if (fault.kind === 'answer') return { kind: 'answer', text: JSON.stringify(fault.answer(good, prompt)) };
  if (fault.kind === 'huge') {
    return { kind: 'answer', text: JSON.stringify({ ...good, reason: 'x'.repeat(fault.bytes) }) };
  }
  return fault;
}
