import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../../pipeline/release/exports.ts';
import { formatCsv, parseCsvWithHeader } from '../../pipeline/util/csv.ts';
import { sha256File } from '../../pipeline/util/hash.ts';
import { type FixtureRelease, fixtureRelease, published } from '../support/release.ts';

export { published };

/** One classification (csv), one regression (three targets) and one time-series task. */
export const exportDatasets = [
  'amldvvs_avocado-ripeness-classification-dataset',
  'carlmcbrideellis_data-anscombes-quartet',
  'michau96_social-media-popularity-2009-2023',
] as const;
export const exportTasks = [
  'amldvvs_avocado-ripeness-classification-dataset_class',
  'carlmcbrideellis_data-anscombes-quartet_reg',
  'michau96_social-media-popularity-2009-2023_ts',
] as const;

export type SmallRelease = FixtureRelease;

/** A release of three fixture datasets, all in train; build it once per test file. */
export function smallRelease(): Promise<SmallRelease> {
  return fixtureRelease(exportDatasets, 'dare-forge-export-');
}

export async function treeHashes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of await listFiles(root)) out[path] = await sha256File(join(root, path));
  return out;
}

export async function text(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

type Cell = string | null;

/** The truth CSV with the target cells of some rows rewritten (the rest as they are). */
export function editTargets(
  truthCsv: string,
  targets: readonly string[],
  edit: (cell: string, row: number) => Cell,
  rows: (row: number) => boolean = () => true,
): string {
  const { header, rows: body } = parseCsvWithHeader(truthCsv);
  const edited = body.map((row, r) =>
    row.map((cell, i) =>
      targets.includes(header[i] ?? '') && cell !== null && rows(r) ? edit(cell, r) : cell,
    ),
  );
  return formatCsv(header, edited);
}

/** Every target value wrong: numbers far off, labels that do not exist. */
export function wrongPrediction(truthCsv: string, targets: readonly string[]): string {
  return editTargets(truthCsv, targets, (cell) => {
    const n = Number(cell);
    return Number.isFinite(n) ? String(n + 1e6) : `not_${cell}`;
  });
}

/** The truth CSV with some data rows kept (header always), or a column left out. */
export function keepRows(truthCsv: string, keep: (row: number) => boolean, dropColumn?: string): string {
  const { header, rows } = parseCsvWithHeader(truthCsv);
  const columns = header.map((_, i) => i).filter((i) => header[i] !== dropColumn);
  return formatCsv(
    columns.map((i) => header[i] ?? ''),
    rows.filter((_, r) => keep(r)).map((row) => columns.map((i) => row[i] ?? null)),
  );
}
