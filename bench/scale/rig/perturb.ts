/**
 * Row-level perturbation of a CSV for the scale rig: a seeded subset of records (order kept)
 * and small relative noise on decimal cells. Quoted fields (commas, newlines) are respected.
 */

/** Splits CSV text into records (without line endings), honouring quoted newlines. */
export function splitRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (char === '\n' && !quoted) {
      records.push(text.slice(start, i).replace(/\r$/, ''));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start).replace(/\r$/, ''));
  return records;
}

/** Splits one record into raw fields (quotes kept), so untouched fields are written back verbatim. */
function splitFields(record: string): string[] {
  const fields: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const char = record[i];
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(record.slice(start, i));
      start = i + 1;
    }
  }
  fields.push(record.slice(start));
  return fields;
}

const decimalCell = /^-?\d+\.(\d+)$/;

function jitter(field: string, random: () => number, noise: number): string {
  const match = decimalCell.exec(field);
  if (!match) return field;
  const places = (match[1] as string).length;
  const value = Number(field) * (1 + (random() * 2 - 1) * noise);
  return value.toFixed(places);
}

export interface PerturbOptions {
  random: () => number;
  /** Fraction of data rows kept, each row independently. */
  keepFraction: number;
  /** At most this many data rows (the first ones kept). */
  maxRows: number;
  /** Relative noise on decimal cells, e.g. 0.01 for +-1%. */
  noise: number;
  /** Tables this small are kept whole (subsets would leave too little to learn from). */
  minRowsForSubset?: number;
}

/** A perturbed copy of the CSV text; the header is kept as is. */
export function perturbCsv(text: string, options: PerturbOptions): string {
  const [header, ...rows] = splitRecords(text).filter((record, index) => index === 0 || record !== '');
  if (header === undefined) return text;
  const subset = rows.length >= (options.minRowsForSubset ?? 50);
  const kept: string[] = [];
  for (const row of rows) {
    if (kept.length >= options.maxRows) break;
    if (subset && options.random() >= options.keepFraction) continue;
    kept.push(
      splitFields(row)
        .map((field) => jitter(field, options.random, options.noise))
        .join(','),
    );
  }
  return `${[header, ...kept].join('\n')}\n`;
}
