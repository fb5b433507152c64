import type { ColumnProfile, TableProfile } from '../../stages/profile/schema.ts';

/** What every task-design prompt shows the model about one dataset. */
export interface DatasetBrief {
  title: string;
  subtitle: string;
  keywords: string[];
  description: string;
  table: TableProfile;
}

export interface BriefLimits {
  previewRows: number;
  descriptionChars: number;
}

function describeColumn(column: ColumnProfile, index: number): string {
  const parts = [
    `${index + 1}. ${JSON.stringify(column.name)}`,
    `${column.physical_type}/${column.semantic_type}`,
    `nulls ${(column.null_fraction * 100).toFixed(1)}%`,
    `distinct ${column.distinct_count}`,
  ];
  if (column.min !== null && column.max !== null) parts.push(`range [${column.min}, ${column.max}]`);
  if (column.mean !== null) parts.push(`mean ${Number(column.mean.toPrecision(4))}`);
  if (column.datetime) {
    parts.push(`dates ${column.datetime.min} .. ${column.datetime.max}`);
    if (column.datetime.inferred_frequency) {
      parts.push(
        `step ${column.datetime.inferred_frequency} (regularity ${column.datetime.regularity.toFixed(2)})`,
      );
    }
  }
  const top = column.top_values.slice(0, 5).map((top) => `${JSON.stringify(top.value)}×${top.count}`);
  if (top.length > 0 && column.semantic_type !== 'numeric') parts.push(`top ${top.join(', ')}`);
  return parts.join('; ');
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  const short = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return /[",\n]/.test(short) ? `"${short.replace(/"/g, '""')}"` : short;
}

/** The dataset as plain text: heading, profile summary per column, preview rows, description. */
export function renderBrief(brief: DatasetBrief, limits: BriefLimits): string {
  const { table } = brief;
  const description =
    brief.description.length > limits.descriptionChars
      ? `${brief.description.slice(0, limits.descriptionChars)} [...]`
      : brief.description;
  const header = table.columns.map((column) => csvCell(column.name)).join(',');
  const rows = table.preview.slice(0, limits.previewRows).map((row) => row.map(csvCell).join(','));
  return [
    `Dataset title: ${brief.title}`,
    brief.subtitle ? `Subtitle: ${brief.subtitle}` : '',
    brief.keywords.length > 0 ? `Keywords: ${brief.keywords.join(', ')}` : '',
    `Main table: ${table.file} (${table.rows} rows, ${table.columns.length} columns)`,
    '',
    'Columns (exact names, in table order; type; profile):',
    ...table.columns.map(describeColumn),
    '',
    `Preview (first ${rows.length} rows, CSV):`,
    header,
    ...rows,
    '',
    'Description:',
    description || '(none)',
  ]
    .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
    .join('\n');
}
