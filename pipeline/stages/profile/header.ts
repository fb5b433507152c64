/**
 * The first records of a delimited file, read from its first bytes in JavaScript: the
 * header cells (to tell which names DuckDB had to invent or change) and the raw cells of
 * the first rows (the preview, and the text that date formats are guessed from).
 */
export function parseRecords(head: string, delimiter: string, quote: string, max: number): string[][] {
  const text = head.replace(/^\uFEFF/, '');
  const records: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < text.length && records.length < max; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === quote && text[i + 1] === quote) {
        cell += quote;
        i += 1;
      } else if (ch === quote) inQuotes = false;
      else cell += ch;
    } else if (quote !== '' && ch === quote && cell === '') inQuotes = true;
    else if (delimiter !== '' && text.startsWith(delimiter, i)) {
      cells.push(cell);
      cell = '';
      i += delimiter.length - 1;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) records.push(cells);
      cells = [];
      cell = '';
    } else cell += ch;
  }
  if (records.length < max && (cell !== '' || cells.length > 0)) records.push([...cells, cell]);
  return records;
}

export function parseHeaderLine(head: string, delimiter: string, quote: string): string[] {
  return parseRecords(head, delimiter, quote, 1)[0] ?? [''];
}

/** Warnings for header cells that DuckDB profiled under another name. */
export function headerWarnings(cells: readonly string[], names: readonly string[]): string[] {
  const warnings: string[] = [];
  names.forEach((name, i) => {
    const cell = cells[i];
    if (cell === undefined) return;
    if (cell.trim() === '') warnings.push(`column ${i + 1} has a blank header: profiled as "${name}"`);
    else if (cell !== name)
      warnings.push(
        `header "${cell}" (column ${i + 1}) was renamed (repeated or invalid): profiled as "${name}"`,
      );
  });
  if (names.length > cells.length) {
    warnings.push(
      `ragged rows: some rows have more fields than the ${cells.length} header cells; extra fields profiled as ${names
        .slice(cells.length)
        .map((n) => `"${n}"`)
        .join(', ')}`,
    );
  }
  return warnings;
}

const delimiters = [',', ';', '\t', '|'];

/**
 * Guesses the delimiter from the first lines: the candidate that splits them into the same
 * number (> 1) of fields most often. Telling DuckDB's sniffer the dialect makes it several
 * times faster; null (let DuckDB sniff everything) when no candidate fits.
 */
export function guessDelimiter(head: string, preferred: string): string | null {
  const lines = head.split(/\r?\n/).slice(0, 21);
  if (lines.length > 1) lines.pop(); // the last line of a chunk may be cut short
  let best: { delimiter: string; score: number } | null = null;
  for (const delimiter of [preferred, ...delimiters.filter((d) => d !== preferred)]) {
    const counts = lines.filter((l) => l !== '').map((l) => parseHeaderLine(l, delimiter, '"').length);
    const header = counts[0] ?? 0;
    if (header < 2) continue;
    const score = counts.filter((c) => c === header).length / counts.length;
    if (score > (best?.score ?? 0.5)) best = { delimiter, score };
  }
  return best?.delimiter ?? null;
}
