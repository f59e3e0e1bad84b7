import { CsvFileError, SourceError } from '../core/errors.js';
import type { OpenSource, RawRow } from '../core/ports.js';
import type { Import, RowInput } from '../core/types.js';
import { type CsvRow, type Delimiter, openCsv } from './csv/csv-reader.js';

/**
 * An import's stored source read as the analysis reads it (SourceReader.open), whatever store
 * holds the bytes: NDJSON rows of a JSON import, or the CSV file in its delimiter and encoding.
 * Streams: never more than one line or one piece of the file in memory.
 */
export async function readSource(item: Import, body: AsyncIterable<Uint8Array>): Promise<OpenSource> {
  if (item.format === 'json') return { headers: null, delimiter: null, rows: jsonRows(body) };
  try {
    const csv = await openCsv(body, {
      ...(item.delimiter ? { delimiter: item.delimiter as Delimiter } : {}),
      ...(item.encoding ? { encoding: item.encoding } : {}),
    });
    return {
      headers: csv.header.headers,
      delimiter: csv.header.delimiter,
      encoding: csv.encoding,
      rows: csvRows(csv.rows),
    };
  } catch (error) {
    if (error instanceof CsvFileError) throw new SourceError(error.code, error.message, error.line);
    throw error;
  }
}

/** Splits a byte stream into lines without holding more than one line and one chunk. */
async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

async function* jsonRows(body: AsyncIterable<Uint8Array>): AsyncGenerator<RawRow> {
  let row = 0;
  for await (const line of lines(body)) {
    if (line.length === 0) continue;
    row += 1;
    yield { row, input: JSON.parse(line) as RowInput, errors: [] };
  }
}

/** CSV rows with the reader's row errors; a file-level problem becomes a SourceError naming the line. */
async function* csvRows(rows: AsyncIterable<CsvRow>): AsyncGenerator<RawRow> {
  try {
    for await (const row of rows) {
      const raw: RawRow = {
        row: row.row,
        line: row.line,
        cells: row.cells,
        errors: row.errors.map((e) => ({
          code: e.code,
          ...(e.column ? { field: e.column } : {}),
          message: e.message,
        })),
      };
      // The original row, for the error file: its cells too large to import, and those past the header.
      if (row.oversized !== undefined) raw.source = { ...row.cells, ...row.oversized };
      if (row.extra !== undefined) raw.extra = row.extra;
      yield raw;
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw new SourceError(error.code, error.message, error.line);
    throw error;
  }
}
