/**
 * RFC 4180 CSV, as pandas writes and reads it by default: comma separated, fields quoted
 * with `"` when they contain a comma, quote, CR or LF, quotes doubled inside. An unquoted
 * empty field is a missing value (null); `""` is an empty string.
 */
export type CsvCell = string | null;

export function parseCsv(text: string): CsvCell[][] {
  const rows: CsvCell[][] = [];
  let row: CsvCell[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let i = 0;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endField = () => {
    row.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
  };
  while (i < input.length) {
    const ch = input[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      inQuotes = true;
      quoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      endField();
      rows.push(row);
      row = [];
      if (ch === '\r' && input[i + 1] === '\n') i += 1;
    } else field += ch;
    i += 1;
  }
  if (field !== '' || quoted || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** Parses CSV with a header row into the header and records keyed by column index. */
export function parseCsvWithHeader(text: string): { header: string[]; rows: CsvCell[][] } {
  const [header, ...rows] = parseCsv(text);
  return { header: (header ?? []).map((h) => h ?? ''), rows };
}

function quoteField(value: string): string {
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Writes CSV with `\n` line ends; null becomes an empty unquoted field, '' becomes `""`. */
export function formatCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const line = (cells: readonly CsvCell[]) => cells.map((c) => (c === null ? '' : quoteField(c))).join(',');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
