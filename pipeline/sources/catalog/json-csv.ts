import { type CsvCell, formatCsv } from '../../util/csv.ts';

export type JsonTableResult =
  | { ok: true; header: string[]; rowCount: number; csv: string }
  | { ok: false; problem: string };

/**
 * A JSON array of flat records as CSV, deterministically: columns in first-seen key order over
 * all records, null/missing as an empty field, numbers and booleans as JavaScript prints them,
 * strings verbatim (dates stay as the source wrote them), RFC 4180 quoting via formatCsv.
 */
export function jsonRecordsToCsv(value: unknown): JsonTableResult {
  if (!Array.isArray(value)) return { ok: false, problem: 'the file is not a JSON array of records' };
  const header: string[] = [];
  const seen = new Set<string>();
  const records: Record<string, unknown>[] = [];
  for (const [index, record] of value.entries()) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return { ok: false, problem: `record ${index} is not an object` };
    }
    const entries = Object.entries(record);
    for (const [key, cell] of entries) {
      if (typeof cell === 'object' && cell !== null) {
        return {
          ok: false,
          problem: `record ${index} field "${key}" is nested (${JSON.stringify(cell).slice(0, 40)})`,
        };
      }
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
    }
    records.push(Object.fromEntries(entries));
  }
  const rows = records.map((record) => header.map((key) => toCell(record[key])));
  return { ok: true, header, rowCount: rows.length, csv: formatCsv(header, rows) };
}

function toCell(value: unknown): CsvCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return String(value);
}
