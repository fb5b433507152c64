import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testdir } from '../support/testdir.ts';

const exec = promisify(execFile);
const python = '/usr/bin/python3';
const verifiers = join(import.meta.dirname, '../../verifiers');

const question = {
  selected_features: ['colour'],
  column_type_inference: { size: 'numerical', colour: 'categorical' },
  target: ['label'],
  model_type: 'DecisionTreeClassifier',
  imputer_type: 'mean',
  problem_type: 'classification',
  random_state: 7,
  save_file_type: 'csv',
};
// "NA" is a category (only the empty string is missing); the unlabelled row must be dropped.
const train = 'size,colour,label\n1,red,a\n2,blue,b\n,red,a\n4,NA,c\n5,red,\n6,blue,b\n7,NA,c\n';
const val = 'row_id,size,colour\n10,1.5,red\n11,,NA\n12,5.5,blue\n';

async function reference(folder: string): Promise<{ code: number; stderr: string; status: unknown }> {
  const script = join(verifiers, 'reference_solution.py');
  const result = await exec(python, [script], { cwd: folder }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
  const status = JSON.parse(await readFile(join(folder, 'reference_status.json'), 'utf8'));
  return { ...result, status };
}

describe('verifiers/reference_solution.py', () => {
  it('reads all_metadata.json, keeps "NA" as a category, drops unlabelled rows, writes row_id + predictions', async () => {
    const folder = await testdir({
      'params.json': JSON.stringify({ question, data_info: {} }),
      'train_v1_no_err.csv': train,
      'val_v1.csv': val,
    });
    const result = await reference(folder);
    expect(result).toMatchObject({ code: 0, status: { status: 'ok', detail: null } });
    const predictions = await readFile(join(folder, 'prediction.csv'), 'utf8');
    expect(predictions).toBe('row_id,label\n10,a\n11,c\n12,b\n');
  });

  it('names the bad parameter and exits with the invalid_params code', async () => {
    const folder = await testdir({
      'params.json': JSON.stringify({ ...question, model_type: 'RandomForest' }),
    });
    const result = await reference(folder);
    expect(result.code).toBe(2);
    expect(result.status).toEqual({
      status: 'invalid_params',
      detail: expect.stringContaining("model_type 'RandomForest' is not one of"),
    });
  });

  it('reports a missing input file as missing_input', async () => {
    const folder = await testdir({ 'params.json': JSON.stringify(question), 'val_v1.csv': val });
    const result = await reference(folder);
    expect(result.code).toBe(4);
    expect(result.status).toMatchObject({ status: 'missing_input' });
  });

  it('fingerprints the environment as JSON', async () => {
    const { stdout } = await exec(python, [join(verifiers, 'fingerprint.py')]);
    const print = JSON.parse(stdout);
    expect(print.libraries).toMatchObject({ pandas: '1.5.3', sklearn: '1.2.1', numpy: '1.24.2' });
    expect(print.python).toMatch(/^3\.\d+\.\d+$/);
    expect(print.blas.length).toBeGreaterThan(0);
  });
});
