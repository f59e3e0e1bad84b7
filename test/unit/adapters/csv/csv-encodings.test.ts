import { readFileSync } from 'node:fs';
import { type CsvReadOptions, type CsvRow, openCsv } from '../../../../functions/adapters/csv/csv-reader.js';
import { csvLine, UTF8_BOM } from '../../../../functions/adapters/csv/csv-writer.js';
import { CsvFileError } from '../../../../functions/core/errors.js';

const fixture = (name: string): Uint8Array =>
  readFileSync(new URL(`../../../fixtures/csv/excel/${name}`, import.meta.url));

async function* pieces(bytes: Uint8Array, size = bytes.length): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** The header names, the encoding read in and each row's line and cells, or the file error. */
async function read(bytes: Uint8Array, options: CsvReadOptions = {}, size?: number) {
  try {
    const csv = await openCsv(pieces(bytes, size), options);
    const rows: Pick<CsvRow, 'line' | 'cells' | 'errors'>[] = [];
    for await (const row of csv.rows)
      rows.push({ line: row.line, cells: { ...row.cells }, errors: row.errors });
    return { headers: csv.header.headers, delimiter: csv.header.delimiter, encoding: csv.encoding, rows };
  } catch (error) {
    if (!(error instanceof CsvFileError)) throw error;
    return {
      error: { code: error.code, message: error.message, line: error.line, byteOffset: error.byteOffset },
    };
  }
}

/** Reads whole and in 1- and 7-byte pieces (characters split across pieces): all must agree. */
async function readEveryWay(bytes: Uint8Array, options: CsvReadOptions = {}) {
  const whole = await read(bytes, options);
  for (const size of [1, 7]) expect(await read(bytes, options, size)).toEqual(whole);
  return whole;
}

describe('openCsv with an encoding', () => {
  it('reads a Windows-1252 file (Excel\'s "CSV" on Windows) when told, curly quotes and euro sign included', async () => {
    const read = await readEveryWay(fixture('windows-1252.csv'), { encoding: 'windows-1252' });

    expect(read).toEqual({
      headers: ['email', 'first_name', 'last_name', 'note'],
      delimiter: ',',
      encoding: 'windows-1252',
      rows: [
        {
          line: 2,
          cells: {
            email: 'jose@example.com',
            first_name: 'José',
            last_name: 'Muñoz',
            note: '“Quoted” price 5 €',
          },
          errors: [],
        },
        {
          line: 3,
          cells: { email: 'zoe@example.com', first_name: 'Zoë', last_name: 'Brontë', note: 'Café' },
          errors: [],
        },
      ],
    });
  });

  it('refuses the same file without an encoding, naming the byte, the option and Excel\'s "CSV UTF-8"', async () => {
    // `José` on line 2: the header is 33 bytes with its CRLF, `jose@example.com,Jos` 20 more.
    expect(await readEveryWay(fixture('windows-1252.csv'))).toEqual({
      error: {
        code: 'invalid_utf8',
        message:
          'The file is not valid UTF-8: the byte at offset 53 (line 2) cannot be decoded. It is most likely a ' +
          'Windows "CSV" export from Excel: create the import with "encoding": "windows-1252", or save the file ' +
          'from Excel as "CSV UTF-8"',
        line: 2,
        byteOffset: 53,
      },
    });
  });

  it('takes any WHATWG label, in any case, and reports the canonical name (Latin-1 is read as Windows-1252)', async () => {
    const read = await readEveryWay(fixture('latin1.csv'), { encoding: 'ISO-8859-1' });

    expect(read).toMatchObject({
      encoding: 'windows-1252',
      rows: [
        { line: 2, cells: { first_name: 'Françoise', last_name: 'Müller' } },
        { line: 3, cells: { first_name: 'Hans', last_name: 'Strauß' } },
      ],
    });
  });

  it('decodes UTF-16LE with a BOM without being told (Excel\'s tab-delimited "Unicode Text")', async () => {
    expect(await readEveryWay(fixture('utf16le-bom.csv'))).toEqual({
      headers: ['email', 'first_name', 'last_name'],
      delimiter: '\t',
      encoding: 'utf-16le',
      rows: [
        { line: 2, cells: { email: 'li@example.com', first_name: '小龙', last_name: '李' }, errors: [] },
        { line: 3, cells: { email: 'ana@example.com', first_name: 'Ana', last_name: 'Åström' }, errors: [] },
      ],
    });
  });

  it('decodes UTF-16BE with a BOM, whatever encoding was given: the BOM decides', async () => {
    for (const options of [{}, { encoding: 'windows-1252' }]) {
      expect(await readEveryWay(fixture('utf16be-bom.csv'), options)).toEqual({
        headers: ['email', 'first_name', 'last_name'],
        delimiter: ',',
        encoding: 'utf-16be',
        rows: [
          {
            line: 2,
            cells: { email: 'eve@example.com', first_name: 'Ève', last_name: 'Łukasiewicz' },
            errors: [],
          },
        ],
      });
    }
  });

  it('reads a UTF-8 file with a BOM as UTF-8 even when another encoding was given', async () => {
    const bytes = new TextEncoder().encode('\uFEFFname\nJosé\n');

    expect(await readEveryWay(bytes, { encoding: 'windows-1252' })).toMatchObject({
      encoding: 'utf-8',
      rows: [{ line: 2, cells: { name: 'José' } }],
    });
  });

  it('reads UTF-16 without a BOM when named, and refuses it, naming the option, when not', async () => {
    const bytes = new Uint8Array(Buffer.from('name,city\r\nAda,Zürich\r\n', 'utf16le'));

    expect(await readEveryWay(bytes, { encoding: 'utf-16le' })).toMatchObject({
      rows: [{ line: 2, cells: { name: 'Ada', city: 'Zürich' } }],
    });
    expect(await read(bytes)).toEqual({
      error: {
        code: 'utf16_not_supported',
        message:
          'The file looks like UTF-16 without a byte order mark; create the import with "encoding": "utf-16le" (or "utf-16be"), or save the file as UTF-8',
        line: undefined,
        byteOffset: 0,
      },
    });
  });

  it('keeps lines right across quoted line breaks in another encoding', async () => {
    const bytes = new Uint8Array(Buffer.from('\uFEFFid,note\r\n1,"a\r\nb"\r\n2,Ça\r\n', 'utf16le'));

    expect(await readEveryWay(bytes)).toMatchObject({
      rows: [
        { line: 2, cells: { id: '1', note: 'a\r\nb' } },
        { line: 4, cells: { id: '2', note: 'Ça' } },
      ],
    });
  });

  it('refuses bytes the named encoding cannot decode, never putting U+FFFD in a cell', async () => {
    // A lone UTF-16 surrogate on line 6 (past the 16 bytes held to settle the encoding).
    const surrogate = new Uint8Array([
      ...Buffer.from('id\n1\n2\n3\n4\nb', 'utf16le'),
      0x00,
      0xd8,
      0x41,
      0x00,
    ]);
    const cutShort = new Uint8Array([...Buffer.from('a\nb', 'utf16le'), 0x41]);

    expect(await read(surrogate, { encoding: 'utf-16le' })).toEqual({
      error: {
        code: 'invalid_encoding',
        message:
          'The file is not valid utf-16le: a byte between offsets 0 and 27 (from line 1) cannot be decoded; check the "encoding" given at creation',
        line: 1,
        byteOffset: 0,
      },
    });
    expect(await read(surrogate, { encoding: 'utf-16le' }, 2)).toMatchObject({
      error: { code: 'invalid_encoding', line: 6, byteOffset: 26 },
    });
    expect(await read(cutShort, { encoding: 'utf-16le' }, 1)).toMatchObject({
      error: {
        code: 'invalid_encoding',
        message: expect.stringContaining('the last character, cut short at the end of the file,'),
      },
    });
  });

  it('refuses a label the decoder does not know', async () => {
    expect(await read(new TextEncoder().encode('a\n1\n'), { encoding: 'klingon' })).toMatchObject({
      error: { code: 'unknown_encoding', message: '"klingon" is not a known encoding' },
    });
  });
});

describe('result files for spreadsheets', () => {
  it('start with a BOM that the reader drops, so the first header is `row`', async () => {
    const file = UTF8_BOM + csvLine(['row', 'line', 'outcome']) + csvLine(['1', '2', 'created']);
    const bytes = new TextEncoder().encode(file);

    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(await read(bytes)).toMatchObject({
      headers: ['row', 'line', 'outcome'],
      rows: [{ cells: { row: '1', line: '2', outcome: 'created' } }],
    });
  });
});
