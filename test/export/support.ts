import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../pipeline/config/load.ts';
import { type Context, createContext } from '../../pipeline/context.ts';
import { asDatasetId } from '../../pipeline/ids.ts';
import { Logger } from '../../pipeline/logger.ts';
import { listFiles } from '../../pipeline/release/exports.ts';
import { release } from '../../pipeline/stages/release/index.ts';
import { formatCsv, parseCsvWithHeader } from '../../pipeline/util/csv.ts';
import { sha256File } from '../../pipeline/util/hash.ts';

export const published = join(process.cwd(), '../shared/fixtures/dare-eval');

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

export interface SmallRelease {
  root: string;
  ctx: Context;
  /** splits/1.0.0/train: every task of the three datasets. */
  split: string;
  cleanup(): Promise<void>;
}

/** A release of three fixture datasets, all in train; build it once per test file. */
export async function smallRelease(): Promise<SmallRelease> {
  const root = await mkdtemp(join(tmpdir(), 'dare-forge-export-'));
  const yaml = `paths:\n  raw: ${join(root, 'raw')}\n  processed: ${join(root, 'processed')}\n  splits: ${join(root, 'splits')}\nrelease:\n  eval_fraction: 0\n`;
  const parsed = parseConfigText(yaml);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const ctx = createContext({ config: parsed.config, cwd: process.cwd(), logger: new Logger('error') });
  const made = await release(ctx, {
    extra: { corpus: published, version: '1.0.0' },
    only: exportDatasets.map((d) => asDatasetId(d)),
  });
  return {
    root,
    ctx,
    split: join(made.dir, 'train'),
    cleanup: async () => {
      await ctx.close();
      await rm(root, { recursive: true, force: true });
    },
  };
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
