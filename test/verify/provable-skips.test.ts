import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeVerifiableFormats } from '../../pipeline/stages/build/verifiable.ts';
import { databases, tabularFixtures } from '../verifiers/fixtures.ts';

type Outcome = { provable: boolean; changed: number; error: string | null };

describe('deviations the shared plan records as unchanged without a fit', () => {
  it('change no published task when run: each kind of skip occurs, and every skipped one leaves the output as it was', async () => {
    const fixtures = await tabularFixtures();
    const script = join(import.meta.dirname, 'provable_skips.py');
    const folders = fixtures.map(({ name }) => join(databases, name));
    const out = execFileSync('/usr/bin/python3', [script, ...folders], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    const results = JSON.parse(out) as Record<string, { env?: string } & Record<string, Outcome>>;

    // Parquet tasks are read exactly when this Python can (pyarrow); the others always.
    const readable = await probeVerifiableFormats('/usr/bin/python3');
    for (const { name, format } of fixtures) {
      if (readable.includes(format as 'csv')) expect(results[name]!.env, name).toBeUndefined();
      else expect(results[name]!.env, name).toBe('env_missing_pyarrow');
    }

    const provable = new Map<string, number>();
    const notProvable = new Map<string, number>();
    for (const [name, outcomes] of Object.entries(results)) {
      if (outcomes.env) continue;
      for (const [deviation, outcome] of Object.entries(outcomes) as [string, Outcome][]) {
        const counts = outcome.provable ? provable : notProvable;
        counts.set(deviation, (counts.get(deviation) ?? 0) + 1);
        if (outcome.provable)
          expect({ ...outcome, task: name, deviation }).toMatchObject({ changed: 0, error: null });
      }
    }
    // Each shortcut is taken somewhere, and declined somewhere (a NaN, an object column, a seeded model).
    for (const deviation of ['drop_missing_rows', 'wrong_imputer', 'other_random_state']) {
      expect(provable.get(deviation) ?? 0, deviation).toBeGreaterThan(0);
      expect(notProvable.get(deviation) ?? 0, deviation).toBeGreaterThan(0);
    }
  }, 300_000);
});

describe('provably_unchanged declines what it cannot prove', () => {
  it('needs complete number columns for the imputer, no missing training feature for dropna, and a model that ignores its seed', () => {
    const program = `
import json, sys
sys.path[:0] = [${JSON.stringify(join(import.meta.dirname, '../../verifiers'))}, ${JSON.stringify(join(import.meta.dirname, '../../verifiers/checks'))}]
import numpy as np, pandas as pd
import verify_if
def params(model="LogisticRegression", imputer="mean", problem="classification"):
    return {"selected_features": ["a", "b"], "target": ["y"], "model_type": model, "imputer_type": imputer,
            "problem_type": problem, "random_state": 42, "save_file_type": "csv",
            "column_type_inference": {"a": "numerical", "b": "categorical"}}
full = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["x", "y", "x"], "y": [0, 1, 0]})
holes = full.assign(b=["x", None, "x"])
text = full.assign(a=["1", "nan", "3"])
nullable = full.assign(a=pd.array([1, 2, 3], dtype="Int64"))
val_nan = full.assign(a=[1.0, np.nan, 3.0])
cases = {
    "drop, complete": verify_if.provably_unchanged("drop_missing_rows", params(), full, val_nan),
    "drop, missing category": verify_if.provably_unchanged("drop_missing_rows", params(), holes, full),
    "imputer, complete": verify_if.provably_unchanged("wrong_imputer", params(), full, full),
    "imputer, median": verify_if.provably_unchanged("wrong_imputer", params(imputer="median"), full, full),
    "imputer, missing in validation": verify_if.provably_unchanged("wrong_imputer", params(), full, val_nan),
    "imputer, numbers as text": verify_if.provably_unchanged("wrong_imputer", params(), text, full),
    "imputer, nullable integers": verify_if.provably_unchanged("wrong_imputer", params(), nullable, full),
    "imputer, most_frequent": verify_if.provably_unchanged("wrong_imputer", params(imputer="most_frequent"), full, full),
    "seed, LogisticRegression": verify_if.provably_unchanged("other_random_state", params(), full, full),
    "seed, Ridge": verify_if.provably_unchanged("other_random_state", params("Ridge", problem="regression"), full, full),
    "seed, Lasso": verify_if.provably_unchanged("other_random_state", params("Lasso", problem="regression"), full, full),
    "seed, MLPClassifier": verify_if.provably_unchanged("other_random_state", params("MLPClassifier"), full, full),
    "seed, DecisionTreeClassifier": verify_if.provably_unchanged("other_random_state", params("DecisionTreeClassifier"), full, full),
    "seed, LinearSVC": verify_if.provably_unchanged("other_random_state", params("LinearSVC"), full, full),
    "no_scaling": verify_if.provably_unchanged("no_scaling", params(), full, full),
}
print(json.dumps(cases))
`;
    const cases = JSON.parse(execFileSync('/usr/bin/python3', ['-c', program], { encoding: 'utf8' }));
    expect(cases).toEqual({
      'drop, complete': true,
      'drop, missing category': false,
      'imputer, complete': true,
      'imputer, median': true,
      'imputer, missing in validation': false,
      'imputer, numbers as text': false,
      'imputer, nullable integers': false,
      'imputer, most_frequent': false,
      'seed, LogisticRegression': true,
      'seed, Ridge': true,
      'seed, Lasso': true,
      'seed, MLPClassifier': false,
      'seed, DecisionTreeClassifier': false,
      'seed, LinearSVC': false,
      no_scaling: false,
    });
  });
});
