import type { Config } from '../../../config/schema.ts';
import { parseResampleRule } from '../../build/buckets.ts';
import type { ColumnProfile, TableProfile } from '../../profile/schema.ts';
import { isNumeric } from '../columns.ts';
import type { DraftInput } from '../inputs.ts';
import type { TimeSeriesDecision } from '../schema.ts';
import { isUsable } from './tabular.ts';
import { headingMatch, type MetadataText } from './text.ts';
import { findTimeColumn, type TimeColumn } from './time-column.ts';

type DraftConfig = Config['draft'];

const seriesHint =
  /(close|closing|sales|demand|price|value|count|load|consumption|temperature|temp$|index|revenue|traffic|passengers|generation|people|deaths|rate)/i;
const notATarget =
  /(^other$|^misc|^unknown|^unnamed|(^|_)id$|latitude|longitude|^lat$|^lon|^lng|year|month|^day|week|hour)/i;

/**
 * Columns under which the time column repeats: low-cardinality columns whose distinct count
 * (or the product of two such columns) is about the number of rows at one time point.
 */
function entityColumns(table: TableProfile, time: ColumnProfile, config: DraftConfig): string[] {
  const repeats = table.rows / Math.max(1, time.distinct_count);
  if (repeats < 1.5) return [];
  // Rows per time point on average, or at the busiest time point (series that start late make
  // the average low; duplicated rows make the busiest high): a good fit to either will do.
  const busiest = time.top_values[0]?.count ?? repeats;
  const series = Math.max(repeats, busiest);
  const candidates = table.columns
    .filter((column) => column.name !== time.name)
    .filter((column) => !isNumeric(column) || /INT/i.test(column.physical_type))
    .filter((column) => column.distinct_count >= 2 && column.distinct_count <= config.max_entities)
    .filter((column) => column.null_fraction === 0 && column.distinct_count <= series * 1.5);
  const misfit = (count: number) =>
    Math.min(Math.abs(Math.log(count / repeats)), Math.abs(Math.log(count / busiest)));
  const singles = candidates
    .map((column) => ({ names: [column.name], fit: misfit(column.distinct_count) }))
    .sort((a, b) => a.fit - b.fit);
  const pairs = candidates.flatMap((first, i) =>
    candidates.slice(i + 1).map((second) => ({
      names: [first.name, second.name],
      // A pair must beat the best single clearly: it is the less likely structure.
      fit: misfit(first.distinct_count * second.distinct_count) + 0.1,
    })),
  );
  const best = [...singles, ...pairs].sort((a, b) => a.fit - b.fit)[0];
  return best && best.fit < Math.log(1.5) ? best.names : [];
}

function seriesTargetScore(
  column: ColumnProfile,
  index: number,
  table: TableProfile,
  text: MetadataText,
): number {
  let score = 0;
  if (seriesHint.test(column.name)) score += 2;
  if (notATarget.test(column.name)) score -= 3;
  score += 3 * headingMatch(column.name, text);
  if (index === table.columns.length - 1) score += 0.5;
  return score;
}

/** Day or coarser steps keep their own rule; finer or unknown ones resample daily. */
function resampleRule(time: TimeColumn): string {
  const rule = time.frequency === null ? null : parseResampleRule(time.frequency);
  const dayOrCoarser = rule !== null && (rule.kind !== 'fixed' || rule.step % 86_400_000 === 0);
  return dayOrCoarser && time.frequency !== null ? time.frequency : '1D';
}

export type TimeSeriesDraft =
  | { ok: true; decision: TimeSeriesDecision; regular: boolean; points: number }
  | { ok: false; reason: string; detail: string };

export function draftTimeSeries(input: DraftInput, text: MetadataText, config: DraftConfig): TimeSeriesDraft {
  const { table } = input;
  const time = findTimeColumn(input, config);
  if (!time) {
    const need = Math.min(config.min_time_points, config.min_time_points_per_entity);
    return {
      ok: false,
      reason: 'no_time_column',
      detail: `no date/time column with at least ${need} distinct parseable values`,
    };
  }
  const entities = entityColumns(table, time.column, config);
  const ranked = table.columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column !== time.column && !entities.includes(column.name))
    .filter(({ column }) => isNumeric(column) && isUsable(column, table.rows))
    .filter(({ column }) => column.distinct_count >= config.min_regression_distinct && column.std !== 0)
    .map(({ column, index }, order) => ({
      column,
      score: seriesTargetScore(column, index, table, text) - order * 0.01,
    }))
    .sort((a, b) => b.score - a.score);
  const target = ranked[0]?.column;
  if (!target) {
    return {
      ok: false,
      reason: 'no_target',
      detail: `no varying numeric column to forecast besides "${time.column.name}"`,
    };
  }
  const points = time.column.distinct_count;
  if (entities.length === 0 && points < config.min_time_points) {
    return {
      ok: false,
      reason: 'too_few_time_points',
      detail: `one series of ${points} time points (need ${config.min_time_points})`,
    };
  }
  const features = table.columns
    .filter((column) => column !== time.column && column !== target && !entities.includes(column.name))
    .filter(
      (column) =>
        isUsable(column, table.rows) && (isNumeric(column) || column.distinct_count <= config.max_categories),
    )
    .slice(0, config.max_features);
  const duplicatedTimes = entities.length === 0 && points < table.rows;
  const regular = time.regular && !duplicatedTimes;
  const decision: TimeSeriesDecision = {
    time_column: time.column.name,
    time_format: time.format,
    target: [target.name],
    related_features: features.map((column) => column.name),
    entity_columns: entities,
    column_type_inference: Object.fromEntries(
      [target, ...features].map((column) => [column.name, isNumeric(column) ? 'numeric' : 'object']),
    ),
    resample: regular ? null : { rule: resampleRule(time), aggregation: 'mean' },
  };
  return { ok: true, decision, regular, points };
}
