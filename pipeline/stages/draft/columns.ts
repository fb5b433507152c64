import type { ColumnProfile, TableProfile } from '../profile/schema.ts';

const numericPhysical =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/i;

export function isNumeric(column: ColumnProfile): boolean {
  return (
    column.semantic_type === 'numeric' ||
    (numericPhysical.test(column.physical_type) && column.semantic_type !== 'id_like')
  );
}

export function isNumericPhysical(column: ColumnProfile): boolean {
  return numericPhysical.test(column.physical_type);
}

export function columnIndex(table: TableProfile): Map<string, { column: ColumnProfile; index: number }> {
  return new Map(table.columns.map((column, index) => [column.name, { column, index }]));
}

/** Non-null sample values of a column, from its top values and the preview rows. */
export function sampleValues(table: TableProfile, name: string): string[] {
  const index = table.columns.findIndex((column) => column.name === name);
  const column = table.columns[index];
  if (!column) return [];
  const values = new Set<string>();
  for (const top of column.top_values) if (top.value !== null) values.add(top.value);
  for (const row of table.preview) {
    const value = row[index];
    if (value !== null && value !== undefined) values.add(value);
  }
  return [...values];
}
