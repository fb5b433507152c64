import { describe, expect, it } from 'vitest';
import {
  tabularQuestionV1,
  tabularQuestionV2,
  timeSeriesQuestionV1,
  timeSeriesQuestionV2,
} from '../../pipeline/stages/build/questions.ts';
import type { ExpectedRange } from '../../pipeline/stages/build/ranges.ts';
import { columnDescriptions } from '../../pipeline/stages/build/rewrite/descriptions.ts';
import { type Fact, tabularSubjects, timeSeriesSubjects } from '../../pipeline/stages/build/rewrite/facts.ts';
import { lostFacts, numbersIn, statesKeepMissing } from '../../pipeline/stages/build/rewrite/fidelity.ts';
import type { TabularPlan } from '../../pipeline/stages/build/tabular.ts';
import type { TimeSeriesPlan } from '../../pipeline/stages/build/timeseries.ts';

const none = new Map<string, string>();

describe('numbersIn', () => {
  it('reads numbers by value, whatever their formatting', () => {
    expect(numbersIn('from 17.0 to 1,250 and -3.5, then 1e-05 or −2; ages 3-19')).toEqual([
      17, 1250, -3.5, 0.00001, -2, 3, 19,
    ]);
  });

  it('ignores digits glued to identifiers', () => {
    expect(numbersIn('load `train_v1.csv` and column x2 or PM2.5')).toEqual([]);
  });
});

describe('statesKeepMissing', () => {
  it('accepts paraphrases of the rule and rejects its negation or absence', () => {
    expect(statesKeepMissing('Rows whose value is missing must be retained.')).toBe(true);
    expect(statesKeepMissing('Drop out-of-range rows; do not exclude rows with a null value.')).toBe(true);
    expect(statesKeepMissing('Rows with missing values should not be kept.')).toBe(false);
    expect(statesKeepMissing('Impute missing values and keep the listed order.')).toBe(false);
    expect(statesKeepMissing('Exclude rows that violate the ranges.')).toBe(false);
  });
});

describe('lostFacts', () => {
  const facts: Fact[] = [
    { kind: 'column', label: 'column `Age`', name: 'Age' },
    { kind: 'number', label: 'range bound 3 of `Age`', value: 3 },
    { kind: 'number', label: 'range bound 19 of `Age`', value: 19 },
    { kind: 'literal', label: 'model Ridge', spellings: ['Ridge'], caseInsensitive: true },
    { kind: 'random_state', label: 'random_state 19', value: 19 },
    { kind: 'literal', label: 'file `train_v1.csv`', spellings: ['`train_v1.csv`'] },
  ];
  const descriptions = new Map([['Age', 'age of the kid']]);

  it('accepts a faithful paraphrase (description instead of name, 19.0 for 19)', () => {
    const text =
      'Load `train_v1.csv`. Keep the Age of the kid from 3.0 to 19.0. Fit a ridge model with random state 19.';
    expect(lostFacts(text, facts, descriptions)).toEqual([]);
  });

  it('counts a bound equal to random_state only once', () => {
    const text = 'Load `train_v1.csv`. Keep age of the kid from 3 upwards. Fit Ridge with random_state 19.';
    expect(lostFacts(text, facts, descriptions)).toEqual(['range bound 19 of `Age`']);
  });

  it('names everything lost', () => {
    expect(lostFacts('Load train_v1.csv and fit a linear model with seed 7.', facts, none)).toEqual(
      facts.map((f) => f.label),
    );
  });
});

describe('columnDescriptions', () => {
  it('reads the crawled section, skipping placeholders and unknown columns', () => {
    const metadata = {
      info: {
        description:
          "About.\n\n=== Columns & descriptions ===\n\nAge: age of the kid\nSmoke: [no description]\nHeight:  kid's\n height\n",
      },
    };
    expect(columnDescriptions(metadata, 'data.csv', ['Age', 'Smoke', 'Height', 'Other'])).toEqual(
      new Map([
        ['Age', 'age of the kid'],
        ['Height', "kid's"],
      ]),
    );
  });

  it('prefers the column list of the main file', () => {
    const metadata = {
      info: {
        description: '=== Columns & descriptions ===\nAge: from the text\n',
        data: [{ name: 'data.csv', columns: [{ name: 'Age', description: 'from the file list' }] }],
      },
    };
    expect(columnDescriptions(metadata, 'data.csv', ['Age'])).toEqual(
      new Map([['Age', 'from the file list']]),
    );
  });
});

function tabularPlan(overrides: Partial<TabularPlan> = {}): TabularPlan {
  return {
    problemType: 'classification',
    targets: ['Outcome'],
    targetCandidates: ['Outcome'],
    relatedFeatures: ['Age', 'odd `name`', 'City'],
    ranges: new Map<string, ExpectedRange>([
      ['Age', { kind: 'interval', min: 3, max: 19, storage: 'integer' }],
      ['odd `name`', { kind: 'interval', min: -0.5, max: 82, storage: 'float' }],
      ['City', { kind: 'categories', values: ['São "Paulo"', 'Oslo, NO'], storage: 'text' }],
    ]),
    selected: ['City', 'Age'],
    numerical: ['Age'],
    categorical: ['City'],
    columnTypes: new Map(),
    trainTestRatio: 0.8,
    format: 'sqlite',
    imputer: 'most_frequent',
    model: 'LogisticRegression',
    randomState: 19,
    ...overrides,
  };
}

describe('the template questions pass their own fidelity check', () => {
  const withSeed = tabularPlan();
  const withoutSeed = tabularPlan({ model: 'GaussianNB', format: 'csv', imputer: 'median' });
  for (const [name, plan] of [
    ['LogisticRegression, sqlite', withSeed],
    ['GaussianNB, csv', withoutSeed],
  ] as const) {
    it(`tabular (${name})`, () => {
      const subjects = tabularSubjects(plan, tabularQuestionV1(plan), tabularQuestionV2(plan));
      for (const subject of subjects) expect(lostFacts(subject.text, subject.facts, none)).toEqual([]);
      const v1 = subjects[0]?.facts.map((f) => f.label) ?? [];
      expect(v1).toContain('range bound -0.5 of "odd `name`"');
      expect(v1).toContain('allowed value "Oslo, NO" of `City`');
      expect(v1).toContain('keep-missing rule');
      expect(v1.includes('random_state 19')).toBe(plan.model !== 'GaussianNB');
    });
  }

  it('a rewrite that reorders the numeric features loses the column order', () => {
    const plan = tabularPlan({
      ranges: new Map<string, ExpectedRange>([
        ['Age', { kind: 'interval', min: 3, max: 19, storage: 'integer' }],
        ['Height', { kind: 'interval', min: 45, max: 82, storage: 'float' }],
      ]),
      selected: ['Age', 'Height'],
      numerical: ['Age', 'Height'],
      categorical: [],
    });
    const [v1] = tabularSubjects(plan, tabularQuestionV1(plan), tabularQuestionV2(plan));
    const text = v1?.text ?? '';
    const facts = v1?.facts ?? [];
    const numeric = 'in the listed order: `Age` and `Height`.';
    expect(text).toContain(numeric);
    expect(lostFacts(text, facts, none)).toEqual([]);
    const swapped = text.replace(numeric, 'in the listed order: `Height` and `Age`.');
    expect(lostFacts(swapped, facts, none)).toEqual(['order of the column lists']);
    // Naming a column by its description keeps its place in the order.
    const described = text.replace(numeric, 'in the listed order: the age of the kid and `Height`.');
    expect(lostFacts(described, facts, new Map([['Age', 'Age of the kid']]))).toEqual([]);
  });

  it('time series, resampled', () => {
    const full: TimeSeriesPlan = {
      targets: ['Close'],
      resample: { rule: '1D', aggregation: 'mean' },
      timeColumn: 'Date',
      timeFormat: '%Y-%m-%d',
      entityColumns: [],
      relatedFeatures: [],
      ranges: new Map(),
      selected: [],
      columnTypes: new Map(),
      trainTestRatio: 0.8,
      randomState: 1,
      predictionStartingTime: '2024-01-01',
    };
    const subjects = timeSeriesSubjects(full, timeSeriesQuestionV1(full), timeSeriesQuestionV2(full));
    for (const subject of subjects) expect(lostFacts(subject.text, subject.facts, none)).toEqual([]);
    const v2 = subjects[1];
    expect(lostFacts((v2?.text ?? '').replace("'1D'", 'daily'), v2?.facts ?? [], none)).toEqual([
      'resample rule 1D',
    ]);
  });
});
