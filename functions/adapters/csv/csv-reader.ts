/**
 * A streaming CSV reader for bulk imports: bytes in (an S3 object body, a file stream, any
 * `AsyncIterable<Uint8Array>`), one header and then one row at a time out. Memory stays flat with the
 * file size: the reader holds one input piece (at most 64 KiB of it at a time), the row being built
 * (at most `maxColumns` cells of at most `maxCellBytes` each, plus at most `maxKeptOversizedBytes`
 * of cells over that) and the rows of the current piece.
 *
 * API
 *
 *   const { header, rows, encoding } = await openCsv(source, { delimiter?, encoding?, limits? });
 *   // header: { headers: ['email', 'name'], delimiter: ',', line: 1 }
 *   for await (const row of rows) {
 *     // row: { row: 1, line: 2, cells: { email: '…', name: '…' }, errors: [] }
 *     // a row with problems may also have `extra` (cells past the header) and `oversized`
 *   }
 *
 * `openCsv` resolves once the header is read, so a file refused for its header (or its encoding)
 * rejects before any row. Problems with the whole file are a `CsvFileError` (refuse the file); one
 * can also be thrown part-way through `rows` (invalid UTF-8 further down, too many rows, a quote
 * never closed), after some rows were yielded: the file is refused all the same, so a caller must
 * not commit rows before the iteration ends. Problems with one row are `CsvRowError`s on that row,
 * and the rows after it still come. Breaking out of `for await` (or an error) closes the source.
 *
 * Behaviour
 *
 * - Encoding (csv-decoding.ts): UTF-8 unless `encoding` names another (a WHATWG label:
 *   `windows-1252`, `iso-8859-1`, `utf-16le`, ...), decoded piece by piece. A BOM (UTF-8, UTF-16LE
 *   or UTF-16BE) decides the encoding whatever was given, and is dropped. Reading UTF-8, first 16
 *   bytes that look like UTF-16 (half their byte pairs holding one NUL) are `utf16_not_supported`.
 *   Bytes that are not UTF-8 are `invalid_utf8`, with the 0-based byte offset in the file (the BOM
 *   counts) and the line of the first bad byte; a character cut short at the end of the file counts
 *   too. Bytes another encoding cannot decode are `invalid_encoding`, naming the piece that holds
 *   them; an unknown label is `unknown_encoding`.
 * - Delimiter: the given one, else detected from the first records (the header and up to 5 more,
 *   within the first 64 KiB): each of `,` `;` tab `|` splits those records as the parser would
 *   (quotes respected); among the ones that split the header into two or more cells, the one that
 *   gives the most records as many cells as the header wins; ties go in the order `,` `;` tab `|`, and
 *   a header that none of them splits is read with `,`.
 * - Quoting (RFC 4180): a field that starts with `"` is quoted; it may hold delimiters, line breaks
 *   (kept as they are) and `""` for a quote. A `"` inside an unquoted field is kept as text. Text
 *   after a closing quote (`"a"b`) is kept (`ab`) with the row error `invalid_quote`.
 * - Line breaks: LF, CRLF and a lone CR, mixed freely. `line` is the 1-based physical line where the
 *   row starts, counting the line breaks inside quoted fields.
 * - A quote that is never closed: the rest of the file is its field, so the file is refused with
 *   `unterminated_quote` naming the line where that quote opened. The field's content past
 *   `maxKeptOversizedBytes` is not kept, so this costs one pass over the file and no more memory.
 * - Blank records are skipped and are not rows: an empty line, a line of spaces, and a line whose
 *   cells are all empty or whitespace (`,,,`, as spreadsheets leave behind). Leading blank lines are
 *   skipped too: the header is the first record that is not blank. A file with no such record (0
 *   bytes, a BOM, whitespace) is `empty_file`; a header alone is a file with no rows.
 * - Header names are trimmed. Refused (the first problem, in column order): more than `maxColumns`
 *   (`too_many_columns`), a name over `maxCellBytes` (`header_too_large`), an empty name
 *   (`empty_header`), `__proto__` / `constructor` / `prototype` (`reserved_header`), a name equal
 *   to an earlier one ignoring case (`duplicate_header`).
 * - Rows: `row` numbers the rows from 1 (blank records skipped), `line` is where the row starts.
 *   `cells` inherits nothing (see `NOTHING`) and maps each header name to its cell, as read (not
 *   trimmed). Cells are slices of the decoded text: a consumer keeping some for the whole file (a
 *   set of emails, to find duplicates) should keep copies or hashes, or it keeps the text. A row with
 *   fewer or more cells than the header has `too_few_cells` / `too_many_cells` and keeps the cells it
 *   has (a missing column is absent from `cells`). A cell over `maxCellBytes` (UTF-8 bytes, quotes
 *   removed) is absent from `cells`, with `cell_too_large` naming the column.
 * - The original row, for an error file that gives it back: the cells past the header's width are
 *   in `extra`, in file order, as long as the row has at most `maxColumns` cells in all (the ones
 *   after are counted, not kept, and `too_many_cells` says so); the cells over `maxCellBytes` are in
 *   `oversized` (column → cell), as long as they add up to at most `maxKeptOversizedBytes` (1 MiB)
 *   in the row (a cell past that is not kept, and its `cell_too_large` says so). Both are absent on
 *   rows that do not need them, so an ordinary row costs nothing more.
 * - Limits: over `maxFileBytes` bytes is `file_too_large`, over `maxRows` rows `too_many_rows`.
 *
 * Why not papaparse: its streaming mode cannot meet three of the requirements. It reports a row
 * index and a character cursor, not the physical line a row starts on. It keeps the unfinished row
 * (`_partialLine`) and re-parses it with every new chunk, so an unterminated quote or a huge quoted
 * cell makes it buffer the rest of the file, re-scanned each chunk, before any cell limit can apply.
 * And its Node stream input decodes each chunk on its own (`chunk.toString()`), turning a character
 * split across two chunks, or any invalid byte, into U+FFFD without a word. So the byte layer (fatal,
 * streaming decoding with offsets, csv-decoding.ts) and the record state machine below are our own; the
 * scanner works on decoded 64 KiB pieces, finds delimiters and line breaks with `indexOf` (as
 * papaparse does) and slices whole fields, never building strings a character at a time.
 */
import { CsvFileError } from '../../core/errors.js';
import { limits } from '../../core/limits.js';
import { isReservedKey } from '../../core/reserved-keys.js';
import { TextInput } from './csv-decoding.js';

export interface CsvLimits {
  /** Bytes in the file, the BOM included. */
  maxFileBytes: number;
  /** Data rows (the header and skipped blank records are not rows). */
  maxRows: number;
  /** Columns in the header. */
  maxColumns: number;
  /** UTF-8 bytes in one cell, quotes removed. */
  maxCellBytes: number;
  /** UTF-8 bytes of a row's cells over maxCellBytes kept in `oversized`, in all. */
  maxKeptOversizedBytes: number;
}

/** The service's stated limits (functions/core/limits.ts, repeated in the README). */
export const defaultCsvLimits: Readonly<CsvLimits> = Object.freeze({
  maxFileBytes: limits.maxFileBytes,
  maxRows: limits.maxFileRows,
  maxColumns: limits.maxFileColumns,
  maxCellBytes: limits.maxCellBytes,
  maxKeptOversizedBytes: limits.maxKeptOversizedBytes,
});

export type Delimiter = ',' | ';' | '\t' | '|';

export interface CsvHeader {
  /** Column names, trimmed, in file order. */
  headers: string[];
  delimiter: Delimiter;
  /** The physical line of the header (1 unless blank lines come first). */
  line: number;
}

export interface CsvRowError {
  code: string;
  /** The header name of the column the error is about, when there is one. */
  column?: string;
  message: string;
}

export interface CsvRow {
  /** 1-based index of the data row (the first row after the header is 1). */
  row: number;
  /** 1-based physical line where the row starts (the header is usually line 1). */
  line: number;
  /** Header name → cell, in an object that inherits nothing (no `__proto__`, no `constructor`). */
  cells: Record<string, string>;
  errors: CsvRowError[];
  /** The cells past the header's width (`too_many_cells`), kept up to `maxColumns` cells a row. */
  extra?: string[];
  /** Header name → a cell over `maxCellBytes` (absent from `cells`), kept up to `maxKeptOversizedBytes`. */
  oversized?: Record<string, string>;
}

export interface CsvReadOptions {
  /** Skip detection and use this delimiter. */
  delimiter?: Delimiter;
  /** A WHATWG encoding label (`windows-1252`, `utf-16le`, ...); UTF-8 when absent. A BOM overrides it. */
  encoding?: string;
  limits?: Partial<CsvLimits>;
}

export interface CsvFile {
  header: CsvHeader;
  /** The data rows, in order; iterate once. */
  rows: AsyncIterableIterator<CsvRow>;
  /** The canonical name of the encoding the file is read in (`utf-8`, `utf-16le`, `windows-1252`...). */
  encoding: string;
}

/** Reads the header of a CSV stream; the rows follow through `rows`. See the file comment. */
export async function openCsv(
  source: AsyncIterable<Uint8Array>,
  options: CsvReadOptions = {},
): Promise<CsvFile> {
  const decoder = new CsvDecoder(options);
  const rows = new CsvRowIterator(source[Symbol.asyncIterator](), decoder);
  const header = await rows.readHeader();
  return { header, rows, encoding: decoder.encoding };
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Input pieces are decoded and parsed at most this many bytes at a time. */
const MAX_PIECE_BYTES = 64 * 1024;
/** Delimiter detection looks at this many records (the header and 5 more)... */
const SAMPLE_RECORDS = 6;
/** ...or at this many characters, whichever comes first. */
const SAMPLE_CHARS = 64 * 1024;
const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];
/**
 * The prototype of `cells`: empty, frozen, itself without a prototype, so `cells` inherits nothing
 * (no `__proto__` setter, no `constructor`, no `toString`) and is as safe as `Object.create(null)`.
 * V8 keeps `Object.create(null)` objects in slow dictionary mode, which cost a quarter of the
 * reader's time; objects made from this prototype stay fast.
 */
const NOTHING: object = Object.freeze(Object.create(null));

/** Pulls input pieces through the decoder and hands rows out one at a time. */
class CsvRowIterator implements AsyncIterableIterator<CsvRow> {
  private batch: CsvRow[] = [];
  private index = 0;
  private rest: Uint8Array | undefined;
  private finished = false;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly decoder: CsvDecoder,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async readHeader(): Promise<CsvHeader> {
    while (this.decoder.header === undefined && !this.finished) await this.pull();
    if (this.decoder.header === undefined) {
      throw new CsvFileError('empty_file', 'The file is empty: it has no header line');
    }
    return this.decoder.header;
  }

  next(): Promise<IteratorResult<CsvRow>> {
    const row = this.batch[this.index];
    if (row === undefined) return this.refill();
    this.index++;
    return Promise.resolve({ done: false, value: row });
  }

  async return(): Promise<IteratorResult<CsvRow>> {
    this.batch = [];
    this.index = 0;
    if (!this.finished) {
      this.finished = true;
      await this.source.return?.();
    }
    return { done: true, value: undefined };
  }

  private async refill(): Promise<IteratorResult<CsvRow>> {
    while (!this.finished) {
      await this.pull();
      if (this.index < this.batch.length) return this.next();
    }
    return { done: true, value: undefined };
  }

  private async pull(): Promise<void> {
    try {
      let piece = this.rest;
      if (piece === undefined) {
        const next = await this.source.next();
        if (next.done) {
          this.finished = true;
          this.setBatch(this.decoder.end());
          return;
        }
        piece = next.value;
      }
      this.rest = piece.length > MAX_PIECE_BYTES ? piece.subarray(MAX_PIECE_BYTES) : undefined;
      this.setBatch(
        this.decoder.push(piece.length > MAX_PIECE_BYTES ? piece.subarray(0, MAX_PIECE_BYTES) : piece),
      );
    } catch (error) {
      const open = !this.finished;
      this.finished = true;
      this.setBatch([]);
      if (open) await this.closeSource();
      throw error;
    }
  }

  private setBatch(rows: CsvRow[]): void {
    this.batch = rows;
    this.index = 0;
  }

  private async closeSource(): Promise<void> {
    try {
      await this.source.return?.();
    } catch {
      // The error that stopped the reading is the one to report.
    }
  }
}

/** Bytes → text → records → header and rows, synchronously, one input piece at a time. */
class CsvDecoder {
  header: CsvHeader | undefined;
  private readonly limits: CsvLimits;
  private readonly input: TextInput;
  /** The tokenizer in use: the given delimiter's, or `,` until detection picks one. */
  private tokenizer: CsvTokenizer;
  /** While detecting: one tokenizer per candidate delimiter, each parsing the sample. */
  private candidates: CsvTokenizer[] | undefined;
  private sampled = 0;
  private names: string[] = [];
  private rowCount = 0;

  constructor(options: CsvReadOptions) {
    const given = options.limits ?? {};
    const limits: CsvLimits = {
      maxFileBytes: given.maxFileBytes ?? defaultCsvLimits.maxFileBytes,
      maxRows: given.maxRows ?? defaultCsvLimits.maxRows,
      maxColumns: given.maxColumns ?? defaultCsvLimits.maxColumns,
      maxCellBytes: given.maxCellBytes ?? defaultCsvLimits.maxCellBytes,
      maxKeptOversizedBytes: given.maxKeptOversizedBytes ?? defaultCsvLimits.maxKeptOversizedBytes,
    };
    this.limits = limits;
    this.input = new TextInput(limits.maxFileBytes, options.encoding, (prefix) =>
      countLines(prefix, this.tokenizer.line, this.tokenizer.endsWithCR),
    );
    const tokenizer = (delimiter: Delimiter) =>
      new CsvTokenizer(delimiter, limits.maxCellBytes, limits.maxKeptOversizedBytes, limits.maxColumns);
    this.tokenizer = tokenizer(options.delimiter ?? ',');
    if (options.delimiter === undefined) {
      this.candidates = [this.tokenizer, ...CANDIDATES.filter((d) => d !== ',').map(tokenizer)];
    }
  }

  /** The encoding the file is read in (known once the header is). */
  get encoding(): string {
    return this.input.encoding ?? 'utf-8';
  }

  push(bytes: Uint8Array): CsvRow[] {
    return this.parse(this.input.push(bytes), false);
  }

  end(): CsvRow[] {
    return this.parse(this.input.end(), true);
  }

  private parse(text: string, final: boolean): CsvRow[] {
    const candidates = this.candidates;
    if (candidates === undefined) {
      this.tokenizer.feed(text);
      if (final) this.tokenizer.end();
    } else {
      for (const candidate of candidates) candidate.feed(text);
      this.sampled += text.length;
      const enough =
        this.sampled >= SAMPLE_CHARS ||
        candidates.every((candidate) => candidate.records.length >= SAMPLE_RECORDS);
      if (!enough && !final) return [];
      if (final) {
        for (const candidate of candidates) {
          try {
            candidate.end();
          } catch (error) {
            candidate.failure = error;
          }
        }
      }
      this.tokenizer = chooseDelimiter(candidates) ?? this.tokenizer;
      this.candidates = undefined;
      if (this.tokenizer.failure !== undefined) throw this.tokenizer.failure;
    }
    const rows: CsvRow[] = [];
    const records = this.tokenizer.records;
    for (const record of records) {
      if (this.header === undefined) this.readHeader(record);
      else rows.push(this.toRow(record));
    }
    records.length = 0;
    return rows;
  }

  private readHeader(record: RawRecord): void {
    const { maxColumns, maxCellBytes } = this.limits;
    const line = record.line;
    if (record.count > maxColumns) {
      throw new CsvFileError(
        'too_many_columns',
        `The header has ${record.count} columns; at most ${maxColumns} are allowed`,
        { line },
      );
    }
    const tooLarge = record.oversized?.[0];
    if (tooLarge !== undefined) {
      throw new CsvFileError(
        'header_too_large',
        `Column ${tooLarge + 1} of the header is larger than ${maxCellBytes} bytes`,
        { line },
      );
    }
    const names = record.fields.map((field) => field.trim());
    const seen = new Map<string, number>();
    for (const [index, name] of names.entries()) {
      const column = `Column ${index + 1} of the header`;
      if (name === '') throw new CsvFileError('empty_header', `${column} has no name`, { line });
      if (isReservedKey(name)) {
        throw new CsvFileError('reserved_header', `${column} is named ${quoted(name)}, which is reserved`, {
          line,
        });
      }
      const key = name.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new CsvFileError(
          'duplicate_header',
          `${column}, ${quoted(name)}, repeats column ${earlier + 1} (${quoted(names[earlier] ?? '')})`,
          { line },
        );
      }
      seen.set(key, index);
    }
    this.names = names;
    this.header = { headers: [...names], delimiter: this.tokenizer.delimiter, line };
  }

  private toRow(record: RawRecord): CsvRow {
    const { line, fields, count } = record;
    if (this.rowCount >= this.limits.maxRows) {
      throw new CsvFileError(
        'too_many_rows',
        `The file has more than ${this.limits.maxRows} rows (line ${line} would be row ${this.rowCount + 1})`,
        { line },
      );
    }
    const names = this.names;
    const width = names.length;
    const cells = Object.create(NOTHING) as Record<string, string>;
    const filled = fields.length < width ? fields.length : width;
    for (let k = 0; k < filled; k++) {
      const name = names[k];
      const value = fields[k];
      if (name !== undefined && value !== undefined) cells[name] = value;
    }
    const errors: CsvRowError[] = [];
    const { maxCellBytes, maxKeptOversizedBytes } = this.limits;
    const lost = record.lost;
    if (count !== width) {
      let message = `Line ${line} has ${count} ${count === 1 ? 'cell' : 'cells'}; the header has ${width}`;
      if (count > fields.length) {
        message += `; only the first ${fields.length} are kept, so the error file cannot give the rest back`;
      } else if (lost?.some((k) => k >= width)) {
        message += `; a cell past the header's width is too large to keep (over ${maxKeptOversizedBytes} bytes with the row's other large cells), so the error file leaves it empty`;
      }
      errors.push({ code: count < width ? 'too_few_cells' : 'too_many_cells', message });
    }
    let oversized: Record<string, string> | undefined;
    for (const k of record.oversized ?? []) {
      const column = names[k];
      if (column === undefined) continue;
      const kept = lost === undefined || !lost.includes(k);
      if (kept) {
        oversized ??= Object.create(NOTHING) as Record<string, string>;
        oversized[column] = cells[column] ?? '';
      }
      delete cells[column];
      errors.push({
        code: 'cell_too_large',
        column,
        message: kept
          ? `Line ${line}: the cell is larger than ${maxCellBytes} bytes`
          : `Line ${line}: the cell is larger than ${maxCellBytes} bytes, too large even to keep for the error file (over ${maxKeptOversizedBytes} bytes with the row's other large cells), which leaves it empty`,
      });
    }
    for (const k of record.strayText ?? []) {
      const column = names[k];
      if (column === undefined) continue;
      errors.push({ code: 'invalid_quote', column, message: `Line ${line}: text follows the closing quote` });
    }
    this.rowCount++;
    const row: CsvRow = { row: this.rowCount, line, cells, errors };
    if (fields.length > width) row.extra = fields.slice(width);
    if (oversized !== undefined) row.oversized = oversized;
    return row;
  }
}

/**
 * The candidate that splits the sampled records most consistently (see the file comment), or
 * undefined when none splits the header. Each candidate has parsed the sample already.
 */
function chooseDelimiter(candidates: CsvTokenizer[]): CsvTokenizer | undefined {
  let best: CsvTokenizer | undefined;
  let bestScore = -1;
  for (const candidate of candidates) {
    const [header, ...rest] = candidate.records.slice(0, SAMPLE_RECORDS);
    if (header === undefined || header.count < 2) continue;
    const score = rest.filter((record) => record.count === header.count).length;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

interface RawRecord {
  line: number;
  /** The first `cap` fields. */
  fields: string[];
  /** Fields in the record, kept or not. */
  count: number;
  /** Positions of fields over maxCellBytes (kept while the record's room for them lasts). */
  oversized: number[] | undefined;
  /** Positions of oversized fields past that room (kept as ''). */
  lost: number[] | undefined;
  /** Positions of quoted fields with text after the closing quote. */
  strayText: number[] | undefined;
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: the next character says whether it closes the field or is `""`. */
const QUOTE_SEEN = 3;
/** Text after a closing quote, up to the next delimiter or line break. */
const AFTER_QUOTE = 4;

/**
 * The record state machine. Fed text in pieces of any size, it appends complete records (blank
 * ones skipped) to `records`. A field that continues past a piece is carried as `partial`, built
 * from slices, and dropped once it passes both maxCellBytes and the room the record has left for
 * oversized fields (maxKeptOversizedBytes a record).
 */
class CsvTokenizer {
  readonly records: RawRecord[] = [];
  /** Fields stored per record (maxColumns); the rest are only counted. */
  readonly cap: number;
  /** The physical line at the end of the text fed so far. */
  line = 1;
  endsWithCR = false;
  /** While detecting, the error end() raised (an unclosed quote), thrown if this one is chosen. */
  failure: unknown;
  private readonly code: number;
  private state = FIELD_START;
  private skipLF = false;
  private partial = '';
  private overflow = false;
  private quoteLine = 0;
  private recordLine = 1;
  private fields: string[] = [];
  private count = 0;
  private blank = true;
  private oversized: number[] | undefined;
  private lost: number[] | undefined;
  private strayText: number[] | undefined;
  /** UTF-8 bytes the record may still keep of fields over maxCellBytes. */
  private room: number;

  constructor(
    readonly delimiter: Delimiter,
    private readonly maxCellBytes: number,
    private readonly maxKeptBytes: number,
    cap: number,
  ) {
    this.code = delimiter.charCodeAt(0);
    this.cap = cap;
    this.room = maxKeptBytes;
  }

  feed(text: string): void {
    const n = text.length;
    if (n === 0) return;
    const d = this.code;
    let i = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    let start = i;
    const delimiter = this.delimiter;
    let nextDelimiter = -1;
    let nextLF = -1;
    let nextCR = -1;
    while (i < n) {
      const state = this.state;
      if (state === FIELD_START) {
        if (text.charCodeAt(i) === QUOTE) {
          this.state = QUOTED;
          this.quoteLine = this.line;
          i++;
        } else {
          this.state = UNQUOTED;
        }
        start = i;
      } else if (state === QUOTED) {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === QUOTE) break;
          if (c === CR) this.line++;
          else if (c === LF && (j > 0 ? text.charCodeAt(j - 1) !== CR : !this.endsWithCR)) this.line++;
        }
        this.append(text, start, j);
        if (j < n) this.state = QUOTE_SEEN;
        i = j + 1;
      } else if (state === QUOTE_SEEN) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          this.append('"', 0, 1);
          this.state = QUOTED;
          i++;
          start = i;
        } else if (c === d) {
          this.endField(text, i, i);
          this.state = FIELD_START;
          i++;
        } else if (c === CR || c === LF) {
          this.endField(text, i, i);
          i = this.endLine(text, i, c);
        } else {
          this.strayText = [...(this.strayText ?? []), this.count];
          this.state = AFTER_QUOTE;
          start = i;
        }
      } else {
        // UNQUOTED or AFTER_QUOTE: the field runs to the next delimiter or line break, found with
        // indexOf (faster than a charCodeAt loop); positions found stay valid until passed.
        if (nextDelimiter < i) nextDelimiter = indexOr(text, delimiter, i, n);
        if (nextLF < i) nextLF = indexOr(text, '\n', i, n);
        if (nextCR < i) nextCR = indexOr(text, '\r', i, n);
        let j = nextDelimiter < nextLF ? nextDelimiter : nextLF;
        if (nextCR < j) j = nextCR;
        if (j === n) {
          this.append(text, start, n);
          i = n;
        } else {
          this.endField(text, start, j);
          const c = text.charCodeAt(j);
          if (c === d) {
            this.state = FIELD_START;
            i = j + 1;
          } else {
            i = this.endLine(text, j, c);
          }
        }
      }
    }
    this.endsWithCR = text.charCodeAt(n - 1) === CR;
  }

  /** The end of the input: completes the last record, or refuses a quote never closed. */
  end(): void {
    if (this.state === QUOTED) {
      throw new CsvFileError(
        'unterminated_quote',
        `The quote that opens a field on line ${this.quoteLine} is never closed`,
        { line: this.quoteLine },
      );
    }
    if (this.state !== FIELD_START || this.count > 0) {
      this.endField('', 0, 0);
      this.endRecord();
    }
    this.state = FIELD_START;
  }

  /** A line break at `at` (`c` is CR or LF) ends the record; returns where the next one starts. */
  private endLine(text: string, at: number, c: number): number {
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
    this.state = FIELD_START;
    let next = at + 1;
    if (c === CR) {
      if (next === text.length) this.skipLF = true;
      else if (text.charCodeAt(next) === LF) next++;
    }
    return next;
  }

  private append(text: string, start: number, end: number): void {
    if (this.overflow || end <= start) return;
    this.partial += text.slice(start, end);
    // A UTF-16 length over a bound means more UTF-8 bytes than that too.
    const length = this.partial.length;
    if (length > this.maxCellBytes && length > this.room) {
      this.overflow = true;
      this.partial = '';
    }
  }

  private endField(text: string, start: number, end: number): void {
    let value: string;
    if (this.overflow) {
      value = this.tooLarge(undefined);
    } else {
      value = this.partial.length === 0 ? text.slice(start, end) : this.partial + text.slice(start, end);
      this.partial = '';
      const max = this.maxCellBytes;
      const length = value.length;
      if (length * 3 > max && (length > max || Buffer.byteLength(value, 'utf8') > max)) {
        value = this.tooLarge(value);
      } else if (this.blank && length > 0 && !isWhitespace(value)) {
        this.blank = false;
      }
    }
    if (this.count < this.cap) this.fields.push(value);
    this.count++;
  }

  /** A field over maxCellBytes: kept while the record has room for it, else ''. */
  private tooLarge(value: string | undefined): string {
    this.overflow = false;
    this.partial = '';
    this.blank = false;
    this.oversized = [...(this.oversized ?? []), this.count];
    if (value !== undefined) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes <= this.room) {
        this.room -= bytes;
        return value;
      }
    }
    this.lost = [...(this.lost ?? []), this.count];
    return '';
  }

  private endRecord(): void {
    if (this.blank) {
      this.fields.length = 0;
    } else {
      this.records.push({
        line: this.recordLine,
        fields: this.fields,
        count: this.count,
        oversized: this.oversized,
        lost: this.lost,
        strayText: this.strayText,
      });
      this.fields = [];
    }
    this.count = 0;
    this.blank = true;
    this.oversized = undefined;
    this.lost = undefined;
    this.strayText = undefined;
    this.room = this.maxKeptBytes;
  }
}

/** The line at the end of `text`, starting at `line` (`afterCR`: the text before ended with CR). */
function countLines(text: string, line: number, afterCR: boolean): number {
  let count = line;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === CR) count++;
    else if (c === LF && (i > 0 ? text.charCodeAt(i - 1) !== CR : !afterCR)) count++;
  }
  return count;
}

function indexOr(text: string, search: string, from: number, otherwise: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? otherwise : at;
}

function isWhitespace(value: string): boolean {
  return value.charCodeAt(0) <= 32 && value.trim().length === 0;
}

/** A name for a message: quoted, and cut short when long. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}
