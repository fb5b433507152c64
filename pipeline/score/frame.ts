import { parseCsv } from '../util/csv.ts';

/**
 * A CSV read the way `pandas.read_csv` (1.5, default options) reads it, which is how the
 * benchmark's evaluator loads both predictions and ground truth: each column gets one type
 * from all of its cells, so `1` and `1.0` are the same label but `"1"` in a column that also
 * holds `"a"` is a string. Missing cells (pandas' default NA strings) are null.
 */
export type Value = number | string | null;
export type ColumnKind = 'number' | 'string';
export interface Column {
  readonly kind: ColumnKind;
  readonly values: readonly Value[];
}
export interface Frame {
  readonly columns: readonly string[];
  readonly byName: ReadonlyMap<string, Column>;
  readonly rowCount: number;
}
export type FrameResult =
  | { ok: true; frame: Frame }
  | { ok: false; reason: 'empty_file' | 'malformed_csv'; detail: string };

/** pandas 1.5 `STR_NA_VALUES`: matched against the raw cell, whitespace included. */
const naStrings = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'n/a',
  'nan',
  'null',
]);
const numberPattern = /^\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)\s*$/i;
const trueStrings = new Set(['True', 'TRUE', 'true']);
const falseStrings = new Set(['False', 'FALSE', 'false']);

/** The number pandas' C parser reads from a cell, or null when the cell is not numeric. */
export function parseNumber(cell: string): number | null {
  if (!numberPattern.test(cell)) return null;
  const text = cell.trim();
  if (/inf/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

function inferColumn(cells: readonly (string | null)[]): Column {
  const present = cells.filter((c): c is string => c !== null);
  const numbers = present.map(parseNumber);
  if (numbers.every((n) => n !== null)) {
    return { kind: 'number', values: cells.map((c) => (c === null ? null : parseNumber(c))) };
  }
  // A column of True/False is a bool column; Python compares bools equal to 1 and 0.
  if (present.every((c) => trueStrings.has(c) || falseStrings.has(c))) {
    return { kind: 'number', values: cells.map((c) => (c === null ? null : trueStrings.has(c) ? 1 : 0)) };
  }
  return { kind: 'string', values: cells };
}

/** pandas names an empty header cell `Unnamed: <i>` and renames repeats `x.1`, `x.2`, ... */
function headerNames(header: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  return header.map((cell, index) => {
    const base = cell === null || cell === '' ? `Unnamed: ${index}` : cell;
    let name = base;
    for (let n = 1; seen.has(name); n += 1) name = `${base}.${n}`;
    seen.add(name);
    return name;
  });
}

export function parseFrame(text: string): FrameResult {
  // pandas skips blank lines (skip_blank_lines=True): an unquoted empty line parses as [null].
  const lines = parseCsv(text).filter((row) => !(row.length === 1 && row[0] === null));
  const [header, ...rows] = lines;
  if (header === undefined) return { ok: false, reason: 'empty_file', detail: 'the file has no header row' };
  const columns = headerNames(header);
  const cells: (string | null)[][] = columns.map(() => []);
  for (const [index, row] of rows.entries()) {
    if (row.length > columns.length) {
      return {
        ok: false,
        reason: 'malformed_csv',
        detail: `data row ${index + 1} has ${row.length} fields but the header has ${columns.length}`,
      };
    }
    for (const [c, column] of cells.entries()) {
      const cell = row[c] ?? null;
      column.push(cell !== null && naStrings.has(cell) ? null : cell);
    }
  }
  const byName = new Map<string, Column>();
  for (const [c, name] of columns.entries()) byName.set(name, inferColumn(cells[c] ?? []));
  return { ok: true, frame: { columns, byName, rowCount: rows.length } };
}
