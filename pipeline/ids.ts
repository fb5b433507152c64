import { UserError } from './errors.ts';

declare const datasetIdBrand: unique symbol;
declare const taskIdBrand: unique symbol;

/** `<owner>_<slug>`: the folder name of a dataset under raw/ and processed/. */
export type DatasetId = string & { readonly [datasetIdBrand]: true };
/** `<dataset-id>_<class|reg|ts>`: the DARE task folder name. */
export type TaskId = string & { readonly [taskIdBrand]: true };

export type TaskFamily = 'class' | 'reg' | 'ts';

const refPart = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses a Kaggle-style `owner/slug` ref, refusing anything that could escape a folder. */
export function parseRef(ref: string): { owner: string; slug: string } {
  const parts = ref.split('/');
  const [owner, slug] = parts;
  if (parts.length !== 2 || !owner || !slug || !refPart.test(owner) || !refPart.test(slug)) {
    throw new UserError(
      `dataset ref "${ref}" is not of the form owner/slug (letters, digits, '.', '_' and '-'), e.g. "uciml/iris"`,
    );
  }
  return { owner, slug };
}

export function datasetIdFromRef(ref: string): DatasetId {
  const { owner, slug } = parseRef(ref);
  return `${owner}_${slug}` as DatasetId;
}

const datasetIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function asDatasetId(value: string): DatasetId {
  if (!datasetIdPattern.test(value) || value.includes('..')) {
    throw new UserError(`"${value}" is not a dataset id (expected <owner>_<slug>, e.g. "uciml_iris")`);
  }
  return value as DatasetId;
}

export function taskId(dataset: DatasetId, family: TaskFamily): TaskId {
  return `${dataset}_${family}` as TaskId;
}

const taskIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*_(class|reg|ts)$/;

export function asTaskId(value: string): TaskId {
  if (!taskIdPattern.test(value) || value.includes('..')) {
    throw new UserError(`"${value}" is not a task id (expected <owner>_<slug>_<class|reg|ts>)`);
  }
  return value as TaskId;
}
