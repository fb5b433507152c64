import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { errorMessage, Rejection } from '../../errors.ts';
import { csvDialectArguments } from '../../tables/reader.ts';
import { looksBinary, type RawFile, readHead, type TableFormat } from './files.ts';
import { guessDelimiter, parseHeaderLine, parseRecords } from './header.ts';
import type { TableProfile } from './schema.ts';
import { queryRows, quoteLiteral, quotePath } from './sql.ts';
import { type ProfileSettings, previewForFormats, profileRelation, type TableSource } from './table.ts';

/** Formats profiled with DuckDB's built-in readers. */
export const readableFormats: readonly TableFormat[] = ['csv', 'tsv', 'json', 'parquet'];

/** Profiles one file, or throws a Rejection naming why it cannot be profiled. */
export async function profileFile(
  conn: DuckDBConnection,
  file: RawFile,
  format: TableFormat,
  settings: ProfileSettings,
): Promise<TableProfile> {
  if (file.bytes === 0) throw new Rejection('empty_file', `${file.name} is empty (0 bytes)`);
  if (format !== 'parquet' && (await looksBinary(file.path))) {
    throw new Rejection('not_tabular', `${file.name} holds binary data, not ${format} text`);
  }
  if (format === 'csv' || format === 'tsv') return profileCsv(conn, file, format, settings);
  if (format === 'json') return profileJson(conn, file, settings);
  const reader = `read_parquet(${quotePath(file.path)})`;
  return unreadableOnError(file, 'Parquet', () =>
    profileRelation(conn, file, { format, reader, rawRows: null, dialect: null, warnings: [] }, settings),
  );
}

/** The first bytes read in JavaScript: the header and the first rows' raw cells. */
const headBytes = 1 << 20;

interface CsvOptions {
  latin1: boolean;
  fullSample: boolean;
  allText: boolean;
}

/**
 * CSV as the published benchmark reads it: the first line is the header and only an empty
 * field is missing (no "NA"/"null" magic). The delimiter is guessed from the first lines
 * (RFC 4180 quoting), which leaves DuckDB only the types to detect; DuckDB's full sniffer
 * takes over when no delimiter fits or the guess fails. Retries: latin-1 when the bytes are
 * not UTF-8, a whole-file type sniff when a late row breaks the sampled types, then text.
 */
async function profileCsv(
  conn: DuckDBConnection,
  file: RawFile,
  format: TableFormat,
  settings: ProfileSettings,
): Promise<TableProfile> {
  const options: CsvOptions = { latin1: false, fullSample: false, allText: false };
  const warnings: string[] = [];
  // Sniffing a very wide file is slow: count the header cells first.
  const firstLineText = await readHead(file.path, 1 << 20, 'latin1');
  const width = Math.max(...[',', ';', '\t', '|'].map((d) => parseHeaderLine(firstLineText, d, '"').length));
  if (width > settings.max_columns) throw tooManyColumns(file, width, settings);
  let guessed = guessDelimiter(firstLineText.slice(0, 65536), format === 'tsv' ? '\t' : ',');
  for (;;) {
    try {
      const head = await readHead(file.path, headBytes, options.latin1 ? 'latin1' : 'utf8');
      let source: TableSource;
      if (guessed !== null) {
        // The dialect is known: DuckDB only has to find the types. Build reads the file
        // through the same dialect (tables/reader.ts).
        const dialect = {
          delimiter: guessed,
          quote: '"',
          escape: '"',
          header: true,
          encoding: encodingOf(options),
        };
        const args = csvDialectArguments(dialect);
        if (options.fullSample) args.push('sample_size = -1');
        if (options.allText) args.push('all_varchar = true');
        const reader = `read_csv(${quotePath(file.path)}, ${args.join(', ')})`;
        source = { format, reader, rawRows: [], dialect, warnings };
      } else {
        const sniffed = await sniff(conn, file, options);
        if (sniffed.columns.length > settings.max_columns)
          throw tooManyColumns(file, sniffed.columns.length, settings);
        const reader = csvReader(file, sniffed, options.allText);
        source = { format, reader, rawRows: [], dialect: sniffed.dialect, warnings };
      }
      const { delimiter, quote } = source.dialect ?? { delimiter: ',', quote: '"' };
      const records = parseRecords(head, delimiter, quote, previewForFormats + 1);
      // A record cut by the end of the chunk read is not a row.
      if (file.bytes > headBytes && records.length <= previewForFormats) records.pop();
      source.headerCells = records[0] ?? [''];
      source.rawRows = records.slice(1).map((cells) => cells.map((cell) => (cell === '' ? null : cell)));
      return await profileRelation(conn, file, source, settings);
    } catch (error) {
      if (error instanceof Rejection) throw error;
      const message = errorMessage(error);
      if (/unicode|utf-8/i.test(message) && !options.latin1) {
        options.latin1 = true;
        warnings.push('the file is not valid UTF-8: read as latin-1');
      } else if (guessed !== null) {
        // Maybe the guessed dialect was wrong: let DuckDB sniff it.
        guessed = null;
      } else if (/convert/i.test(message) && !options.fullSample) {
        options.fullSample = true;
      } else if (/convert/i.test(message) && !options.allText) {
        options.allText = true;
        warnings.push('column types are inconsistent across the file: every column profiled as text');
      } else {
        throw new Rejection('unreadable_table', `${file.name} cannot be read as CSV: ${firstLine(message)}`);
      }
    }
  }
}

function baseArguments(options: CsvOptions): string[] {
  const args = ['header = true', 'null_padding = true'];
  if (options.latin1) args.push("encoding = 'latin-1'");
  if (options.fullSample) args.push('sample_size = -1');
  return args;
}

const encodingOf = (options: CsvOptions) => (options.latin1 ? 'latin-1' : 'utf-8');

function tooManyColumns(file: RawFile, count: number, settings: ProfileSettings): Rejection {
  return new Rejection(
    'too_many_columns',
    `${file.name} has ${count} columns, more than profile.max_columns (${settings.max_columns}); raise it to profile this table`,
  );
}

const sniffedSchema = z.object({
  Delimiter: z.string(),
  Quote: z.string(),
  Escape: z.string(),
  NewLineDelimiter: z.string(),
  Comment: z.string(),
  SkipRows: z.number(),
  Columns: z.array(z.object({ name: z.string(), type: z.string() })),
  DateFormat: z.string().nullable(),
  TimestampFormat: z.string().nullable(),
});

interface Sniffed {
  dialect: NonNullable<TableProfile['dialect']>;
  columns: { name: string; type: string }[];
  /** Reader arguments besides the columns: the sniffed dialect, spelled out. */
  arguments: string[];
}

async function sniff(conn: DuckDBConnection, file: RawFile, options: CsvOptions): Promise<Sniffed> {
  const args = baseArguments(options).filter((a) => !a.startsWith('sample_size'));
  const sniffArgs = baseArguments(options).join(', ');
  const [row] = await queryRows(conn, `SELECT * FROM sniff_csv(${quotePath(file.path)}, ${sniffArgs})`);
  const s = sniffedSchema.parse(row);
  const empty = (value: string) => (value === '(empty)' ? '' : value);
  const dialectArgs = [
    `delim = ${quoteLiteral(empty(s.Delimiter))}`,
    `quote = ${quoteLiteral(empty(s.Quote))}`,
    `escape = ${quoteLiteral(empty(s.Escape))}`,
    `new_line = ${quoteLiteral(empty(s.NewLineDelimiter))}`,
    `comment = ${quoteLiteral(empty(s.Comment))}`,
    `skip = ${Math.max(0, Math.trunc(s.SkipRows))}`,
  ];
  const formats = [
    s.DateFormat ? `dateformat = ${quoteLiteral(s.DateFormat)}` : '',
    s.TimestampFormat ? `timestampformat = ${quoteLiteral(s.TimestampFormat)}` : '',
  ];
  return {
    dialect: {
      delimiter: empty(s.Delimiter),
      quote: empty(s.Quote),
      escape: empty(s.Escape),
      header: true,
      encoding: encodingOf(options),
    },
    columns: s.Columns,
    arguments: ['auto_detect = false', ...args, ...dialectArgs, ...formats.filter(Boolean)],
  };
}

const typeName = /^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?$/;

/** The sniffed read, without sniffing again; `asText` reads every cell as it is written. */
function csvReader(file: RawFile, sniffed: Sniffed, asText: boolean): string {
  const columns = sniffed.columns
    .map(
      (c) =>
        `${quoteLiteral(c.name)}: ${quoteLiteral(asText || !typeName.test(c.type) ? 'VARCHAR' : c.type)}`,
    )
    .join(', ');
  return `read_csv(${quotePath(file.path)}, ${sniffed.arguments.join(', ')}, columns = {${columns}})`;
}

async function profileJson(
  conn: DuckDBConnection,
  file: RawFile,
  settings: ProfileSettings,
): Promise<TableProfile> {
  const head = (await readHead(file.path)).replace(/^\uFEFF/, '').trimStart();
  const records = head.startsWith('[') ? head.slice(1).trimStart().startsWith('{') : head.startsWith('{');
  if (!records) {
    throw new Rejection('not_tabular', `${file.name} is JSON but not a list of records (objects)`);
  }
  const reader = `read_json(${quotePath(file.path)})`;
  const profile = await unreadableOnError(file, 'JSON', () =>
    profileRelation(
      conn,
      file,
      { format: 'json', reader, rawRows: null, dialect: null, warnings: [] },
      settings,
    ),
  );
  if (head.startsWith('{') && profile.rows === 1) {
    throw new Rejection('not_tabular', `${file.name} is a single JSON object, not a list of records`);
  }
  return profile;
}

async function unreadableOnError<T>(file: RawFile, kind: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Rejection) throw error;
    throw new Rejection(
      'unreadable_table',
      `${file.name} cannot be read as ${kind}: ${firstLine(errorMessage(error))}`,
    );
  }
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).slice(0, 300);
}
