import { readdirSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type CsvHeader,
  type CsvReadOptions,
  type CsvRow,
  openCsv,
} from '../../../../functions/adapters/csv/csv-reader.js';
import { CsvFileError } from '../../../../functions/core/errors.js';

const fixtures = new URL('../../../fixtures/csv/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, fixtures));

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

async function* pieces(bytes: Uint8Array, size = bytes.length): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

interface Outcome {
  header?: CsvHeader;
  rows?: CsvRow[];
  error?: Record<string, unknown>;
}

/** expected.json: for each fixture, what it is about, the options to read it with, its outcome. */
type FixtureCase = Outcome & { about: string; options?: CsvReadOptions };
const expected = JSON.parse(readFileSync(new URL('expected.json', fixtures), 'utf8')) as Record<
  string,
  FixtureCase
>;

/** Reads a whole source: the header and rows, or the file error alone (the file is refused). */
async function read(source: AsyncIterable<Uint8Array>, options?: CsvReadOptions): Promise<Outcome> {
  try {
    const { header, rows } = await openCsv(source, options);
    const all: CsvRow[] = [];
    for await (const row of rows) all.push({ ...row, cells: { ...row.cells } });
    return { header, rows: all };
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    const { code, message, line, byteOffset } = error;
    return {
      error: {
        code,
        message,
        ...(line === undefined ? {} : { line }),
        ...(byteOffset === undefined ? {} : { byteOffset }),
      },
    };
  }
}

/** `global.gc`, which jest does not expose: set the V8 flag, then take it from a fresh context. */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};

describe('openCsv', () => {
  describe('on the fixture corpus', () => {
    const names = Object.keys(expected);

    it('has an expected outcome for every fixture file, and a file for every outcome', () => {
      const files = readdirSync(fixtures).filter((name) => name.endsWith('.csv'));

      expect(files.sort()).toEqual([...names].sort());
    });

    it.each(names)('reads %s as expected.json says, whole and in 1- and 7-byte pieces', async (name) => {
      const { about: _about, options, ...outcome } = expected[name] as FixtureCase;
      const bytes = fixture(name);

      for (const size of [bytes.length, 1, 7]) {
        expect(await read(pieces(bytes, size), options)).toEqual(outcome);
      }
    });
  });

  it('gives the same rows whatever the piece size, with multi-byte characters split across pieces', async () => {
    const text =
      '\uFEFFnom,ville,note\r\n' +
      'Renée,Besançon,"café\r\nau lait"\r\n' +
      '日本,東京,"1,2"\n' +
      'Zoë,😀 Emoji,""""\n';
    const bytes = encode(text);

    const whole = await read(pieces(bytes));
    expect(whole).toEqual({
      header: { headers: ['nom', 'ville', 'note'], delimiter: ',', line: 1 },
      rows: [
        { row: 1, line: 2, cells: { nom: 'Renée', ville: 'Besançon', note: 'café\r\nau lait' }, errors: [] },
        { row: 2, line: 4, cells: { nom: '日本', ville: '東京', note: '1,2' }, errors: [] },
        { row: 3, line: 5, cells: { nom: 'Zoë', ville: '😀 Emoji', note: '"' }, errors: [] },
      ],
    });
    for (let size = 1; size <= 13; size++) {
      expect(await read(pieces(bytes, size))).toEqual(whole);
    }
  });

  it('reports the same offset and line for a bad byte whatever the piece size', async () => {
    // 日 is E6 97 A5; here its last byte is replaced by 'A', on line 3.
    const bytes = new Uint8Array([...encode('a,b\n1,2\n3,'), 0xe6, 0x97, 0x41, ...encode('\n')]);
    const error = {
      code: 'invalid_utf8',
      message:
        'The file is not valid UTF-8: the byte at offset 10 (line 3) cannot be decoded. ' +
        'It is most likely a Windows "CSV" export from Excel: create the import with "encoding": "windows-1252", ' +
        'or save the file from Excel as "CSV UTF-8"',
      line: 3,
      byteOffset: 10,
    };

    for (const size of [bytes.length, 1, 2, 3, 5, 11]) {
      expect(await read(pieces(bytes, size))).toEqual({ error });
    }
  });

  it('reports the line where a row starts after a quoted line break', async () => {
    const text = 'id,note\n1,"two\nlines"\n2,"three\r\nmore\rlines"\n3\n4,end\r\n5,"\r\n"\r\n6,last\n';

    for (let size = 1; size <= 8; size++) {
      const { rows } = await read(pieces(encode(text), size));

      expect(rows?.map((row) => [row.row, row.line])).toEqual([
        [1, 2],
        [2, 4],
        [3, 7],
        [4, 8],
        [5, 9],
        [6, 11],
      ]);
      expect(rows?.[2]?.errors).toEqual([
        { code: 'too_few_cells', message: 'Line 7 has 1 cell; the header has 2' },
      ]);
    }
  });

  it('leaves a quoted cell over the limit that spans many pieces out of the cells, keeps it aside, and reads on', async () => {
    const big = `${'x'.repeat(40_000)}\n${'y'.repeat(40_000)}`;
    const text = `id,bio\n1,"${big}"\n2,short\n`;

    const { rows } = await read(pieces(encode(text), 4096));

    expect(rows).toEqual([
      {
        row: 1,
        line: 2,
        cells: { id: '1' },
        errors: [
          { code: 'cell_too_large', column: 'bio', message: 'Line 2: the cell is larger than 32768 bytes' },
        ],
        oversized: { bio: big },
      },
      { row: 2, line: 4, cells: { id: '2', bio: 'short' }, errors: [] },
    ]);
  });

  it("keeps a row's oversized cells up to maxKeptOversizedBytes in all, and says which one it could not keep", async () => {
    const limits = { maxCellBytes: 4, maxKeptOversizedBytes: 20 };
    const text = `a,b,c\n${'1'.repeat(12)},${'2'.repeat(8)},${'3'.repeat(6)}\n${'4'.repeat(20)},ok,${'é'.repeat(11)}\n`;

    for (const size of [text.length, 5]) {
      const { rows } = await read(pieces(encode(text), size), { limits });

      expect(rows?.map(({ oversized, errors }) => ({ oversized, errors }))).toEqual([
        {
          // 12 + 8 bytes fill the row's 20; the third large cell does not fit.
          oversized: { a: '1'.repeat(12), b: '2'.repeat(8) },
          errors: [
            { code: 'cell_too_large', column: 'a', message: 'Line 2: the cell is larger than 4 bytes' },
            { code: 'cell_too_large', column: 'b', message: 'Line 2: the cell is larger than 4 bytes' },
            {
              code: 'cell_too_large',
              column: 'c',
              message:
                "Line 2: the cell is larger than 4 bytes, too large even to keep for the error file (over 20 bytes with the row's other large cells), which leaves it empty",
            },
          ],
        },
        {
          // Each row has its own room: 20 bytes again, and é is 2 bytes (22 in all: not kept).
          oversized: { a: '4'.repeat(20) },
          errors: [
            { code: 'cell_too_large', column: 'a', message: 'Line 3: the cell is larger than 4 bytes' },
            {
              code: 'cell_too_large',
              column: 'c',
              message:
                "Line 3: the cell is larger than 4 bytes, too large even to keep for the error file (over 20 bytes with the row's other large cells), which leaves it empty",
            },
          ],
        },
      ]);
      expect(rows?.[1]?.cells).toEqual({ b: 'ok' });
    }
  });

  it('keeps the cells past the header in extra, up to maxColumns cells a row, and says when it kept fewer', async () => {
    const text = 'a,b\n1,2,3,4\n5,6,7,8,9,10\n11,12\n';

    const { rows } = await read(pieces(encode(text), 3), { limits: { maxColumns: 5 } });

    expect(rows).toEqual([
      {
        row: 1,
        line: 2,
        cells: { a: '1', b: '2' },
        errors: [{ code: 'too_many_cells', message: 'Line 2 has 4 cells; the header has 2' }],
        extra: ['3', '4'],
      },
      {
        row: 2,
        line: 3,
        cells: { a: '5', b: '6' },
        errors: [
          {
            code: 'too_many_cells',
            message:
              'Line 3 has 6 cells; the header has 2; only the first 5 are kept, so the error file cannot give the rest back',
          },
        ],
        extra: ['7', '8', '9'],
      },
      { row: 3, line: 4, cells: { a: '11', b: '12' }, errors: [] },
    ]);
  });

  it('uses the delimiter it is given instead of detecting one', async () => {
    const { header, rows } = await read(pieces(encode('a;b\n1;2\n')), { delimiter: ',' });

    expect(header).toEqual({ headers: ['a;b'], delimiter: ',', line: 1 });
    expect(rows?.[0]?.cells).toEqual({ 'a;b': '1;2' });
  });

  it('reads a one-column file with the comma', async () => {
    const { header, rows } = await read(pieces(encode('email\nada@example.com\n')));

    expect(header).toEqual({ headers: ['email'], delimiter: ',', line: 1 });
    expect(rows?.[0]?.cells).toEqual({ email: 'ada@example.com' });
  });

  it('detects the delimiter from records beyond the first piece', async () => {
    const text = `name;city\n${Array.from({ length: 10 }, (_, i) => `n${i};c${i}`).join('\n')}\n`;

    const { header, rows } = await read(pieces(encode(text), 4));

    expect(header?.delimiter).toBe(';');
    expect(rows).toHaveLength(10);
    expect(rows?.[9]?.cells).toEqual({ name: 'n9', city: 'c9' });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a column named %s', async (name) => {
    const { error } = await read(pieces(encode(`email,${name}\nada@example.com,x\n`)));

    expect(error).toEqual({
      code: 'reserved_header',
      message: `Column 2 of the header is named "${name}", which is reserved`,
      line: 1,
    });
  });

  it('gives cells that inherit nothing, so a missing column is undefined', async () => {
    const { rows } = await openCsv(pieces(encode('email,toString,hasOwnProperty\nada@example.com\n')));

    const first = await rows.next();
    const cells: Record<string, string> = first.done ? {} : first.value.cells;

    expect(cells.email).toBe('ada@example.com');
    expect(cells.toString).toBeUndefined();
    expect('hasOwnProperty' in cells).toBe(false);
    expect('constructor' in cells).toBe(false);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(cells))).toBeNull();
  });

  it('closes the source when the caller stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield encode('id\n');
        for (let i = 1; ; i++) yield encode(`${i}\n`);
      } finally {
        closed = true;
      }
    }

    const { rows } = await openCsv(source());
    for await (const row of rows) if (row.row === 3) break;

    expect(closed).toBe(true);
  });

  it('closes the source when the file is refused part-way through the rows', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield encode('id\n');
        for (let i = 1; ; i++) yield encode(`${i}\n`);
      } finally {
        closed = true;
      }
    }

    const { rows } = await openCsv(source(), { limits: { maxRows: 50 } });
    const reading = (async () => {
      for await (const _row of rows);
    })();

    await expect(reading).rejects.toMatchObject({ code: 'too_many_rows', line: 52 });
    expect(closed).toBe(true);
  });

  it('keeps memory flat while reading 200,000 rows', async () => {
    const gc = collectGarbage();
    const note = 'n'.repeat(200);
    async function* generated(): AsyncGenerator<Uint8Array> {
      yield encode('external_id,email,first_name,last_name,note\n');
      for (let start = 0; start < 200_000; start += 500) {
        let lines = '';
        for (let i = start; i < start + 500; i++)
          lines += `ext-${i},user${i}@example.com,First${i},Last${i},${note}\n`;
        yield encode(lines);
      }
    }
    gc();
    const before = process.memoryUsage().heapUsed;
    let growth = 0;
    let last: CsvRow | undefined;

    const { rows } = await openCsv(generated());
    for await (const row of rows) {
      last = row;
      if (row.row % 50_000 === 0) {
        gc();
        growth = Math.max(growth, process.memoryUsage().heapUsed - before);
      }
    }

    // 200,000 rows of ~270 bytes are 54 MB of text: a reader that kept them would exceed the bound.
    expect(last).toMatchObject({ row: 200_000, line: 200_001, cells: { external_id: 'ext-199999' } });
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a quote never closed after one pass, without keeping the rest of the file', async () => {
    const gc = collectGarbage();
    let growth = 0;
    let before = 0;
    let samples = 0;
    async function* generated(): AsyncGenerator<Uint8Array> {
      yield encode('id,note\n1,"opened here\n');
      for (let chunk = 1; chunk <= 400; chunk++) {
        yield encode('2,some text that the quote swallows\n'.repeat(4000));
        if (chunk % 100 === 0) {
          gc();
          growth = Math.max(growth, process.memoryUsage().heapUsed - before);
          samples++;
        }
      }
    }
    gc();
    before = process.memoryUsage().heapUsed;

    const outcome = await read(generated());

    expect(outcome).toEqual({
      error: {
        code: 'unterminated_quote',
        message: 'The quote that opens a field on line 2 is never closed',
        line: 2,
      },
    });
    // 57 MB went by inside the quoted field; the reader kept at most maxCellBytes of it.
    expect(samples).toBe(4);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });
});
