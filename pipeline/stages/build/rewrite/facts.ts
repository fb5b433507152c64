import { code } from '../questions.ts';
import type { ExpectedRange } from '../ranges.ts';
import type { TabularPlan } from '../tabular.ts';
import type { TimeSeriesPlan } from '../timeseries.ts';

/**
 * One thing a rewritten question must still say. `label` is what the build record lists
 * under `lost` when the rewrite dropped it.
 */
export type Fact =
  /** A number that must appear, compared by value (17 matches 17.0 and 1.7e1). */
  | { kind: 'number'; label: string; value: number }
  /** A column, by its exact name or by its natural description. */
  | { kind: 'column'; label: string; name: string }
  /** Text that must appear as a whole word (any of the accepted spellings). */
  | { kind: 'literal'; label: string; spellings: string[]; caseInsensitive?: boolean }
  /** random_state must still be named, with its value. */
  | { kind: 'random_state'; label: string; value: number }
  /** "keep rows whose value is missing" must survive the range filter step. */
  | { kind: 'keep_missing'; label: string }
  /**
   * The columns, mentioned in this order (ranges, selected, numeric, categorical lists):
   * the rewrite's mentions must contain this sequence, since list order changes the model.
   */
  | { kind: 'order'; label: string; sequence: string[] };

export type Variant = 'v1' | 'v2';

/** A templated question and the facts any rewrite of it must keep. */
export interface RewriteSubject {
  variant: Variant;
  text: string;
  facts: Fact[];
  /** Columns the question names (their descriptions go to the prompt). */
  columns: string[];
}

const file = (name: string): Fact => ({
  kind: 'literal',
  label: `file \`${name}\``,
  spellings: [`\`${name}\``],
});
const target = (name: string): Fact => ({
  kind: 'literal',
  label: `target ${code(name)}`,
  spellings: [code(name)],
});
const rowId: Fact = { kind: 'literal', label: 'column `row_id`', spellings: ['`row_id`'] };
const column = (name: string): Fact => ({ kind: 'column', label: `column ${code(name)}`, name });

/** "MLPClassifier" -> "MLP Classifier", so "a decision tree regressor" also names DecisionTreeRegressor. */
function spacedWords(identifier: string): string {
  return identifier.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

function rangeFacts(name: string, range: ExpectedRange): Fact[] {
  const of = `of ${code(name)}`;
  if (range.kind === 'interval') {
    return [
      { kind: 'number', label: `range bound ${range.min} ${of}`, value: range.min },
      { kind: 'number', label: `range bound ${range.max} ${of}`, value: range.max },
    ];
  }
  if (range.storage !== 'text') {
    return range.values.map((v) => ({ kind: 'number', label: `allowed value ${v} ${of}`, value: Number(v) }));
  }
  return range.values.map((v) => ({
    kind: 'literal',
    label: `allowed value ${JSON.stringify(v)} ${of}`,
    // The template writes it JSON-quoted; a rewrite may drop the quotes.
    spellings: [v, JSON.stringify(v)],
  }));
}

const imputerSpellings: Record<string, string[]> = {
  mean: ['mean'],
  median: ['median'],
  most_frequent: ['most_frequent', 'most frequent', 'most common'],
};

const modelsWithoutSeed = new Set(['GaussianNB', 'LinearRegression']);

const unique = (names: readonly string[]) => [...new Set(names)];

/** Where the template names each column (as code(name)), in text order. */
export function mentionSequence(template: string, names: readonly string[]): string[] {
  const found: { name: string; at: number }[] = [];
  for (const name of names) {
    const written = code(name);
    for (let at = template.indexOf(written); at !== -1; at = template.indexOf(written, at + 1)) {
      found.push({ name, at });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((mention) => mention.name);
}

export function tabularSubjects(plan: TabularPlan, v1: string, v2: string): RewriteSubject[] {
  const f = plan.format;
  const targets = plan.targets.map(target);
  const named = unique([...plan.ranges.keys(), ...plan.selected, ...plan.numerical, ...plan.categorical]);
  const features = named.filter((name) => !plan.targets.includes(name));
  const v1Facts: Fact[] = [
    ...[`train_v1.${f}`, 'metadata.txt', `val_v1.${f}`, 'prediction.csv'].map(file),
    rowId,
    ...targets,
    ...features.map(column),
    { kind: 'order', label: 'order of the column lists', sequence: mentionSequence(v1, features) },
    ...[...plan.ranges].flatMap(([name, range]) => rangeFacts(name, range)),
    ...(plan.ranges.size > 0 ? [{ kind: 'keep_missing', label: 'keep-missing rule' } as const] : []),
    {
      kind: 'literal',
      label: `imputer ${plan.imputer}`,
      spellings: imputerSpellings[plan.imputer] ?? [plan.imputer],
      caseInsensitive: true,
    },
    {
      kind: 'literal',
      label: `model ${plan.model}`,
      spellings: [plan.model, spacedWords(plan.model)],
      caseInsensitive: true,
    },
    ...(modelsWithoutSeed.has(plan.model)
      ? []
      : [
          {
            kind: 'random_state',
            label: `random_state ${plan.randomState}`,
            value: plan.randomState,
          } as const,
        ]),
  ];
  const v2Facts: Fact[] = [
    ...[`train_v2.${f}`, 'metadata.txt', `val_v2.${f}`, 'prediction.csv'].map(file),
    ...targets,
  ];
  return [
    { variant: 'v1', text: v1, facts: v1Facts, columns: unique([...plan.targets, ...named]) },
    { variant: 'v2', text: v2, facts: v2Facts, columns: plan.targets },
  ];
}

export function timeSeriesSubjects(plan: TimeSeriesPlan, v1: string, v2: string): RewriteSubject[] {
  const targets = plan.targets.map(target);
  const resample: Fact[] = plan.resample
    ? [
        { kind: 'literal', label: `resample rule ${plan.resample.rule}`, spellings: [plan.resample.rule] },
        {
          kind: 'literal',
          label: `aggregation ${plan.resample.aggregation}`,
          spellings: [plan.resample.aggregation],
          caseInsensitive: true,
        },
      ]
    : [];
  return [
    {
      variant: 'v1',
      text: v1,
      facts: [...['train.csv', 'metadata.txt', 'val_v1.csv', 'prediction.csv'].map(file), ...targets],
      columns: plan.targets,
    },
    {
      variant: 'v2',
      text: v2,
      facts: [
        ...['train.csv', 'metadata.txt', 'val_v2.csv', 'prediction.csv'].map(file),
        ...targets,
        ...resample,
      ],
      columns: plan.targets,
    },
  ];
}
