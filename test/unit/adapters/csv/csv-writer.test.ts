import { openCsv } from '../../../../functions/adapters/csv/csv-reader.js';
import { csvLine, neutralizeFormula } from '../../../../functions/adapters/csv/csv-writer.js';

async function* once(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

describe('csvLine', () => {
  it('leaves plain values bare and ends the line with CRLF', () => {
    expect(csvLine(['ada@example.com', 'Ada Lovelace', ''])).toBe('ada@example.com,Ada Lovelace,\r\n');
  });

  it('quotes a value holding the delimiter, a quote, CR or LF, doubling its quotes', () => {
    expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 'plain'])).toBe(
      '"a,b","say ""hi""","two\nlines","cr\rhere",plain\r\n',
    );
  });

  it('quotes for the delimiter it is given', () => {
    expect(csvLine(['a,b', 'c;d', 'e\tf'], ';')).toBe('a,b;"c;d";e\tf\r\n');
    expect(csvLine(['a,b', 'e\tf'], '\t')).toBe('a,b\t"e\tf"\r\n');
  });

  it('writes a lone empty value as "" so the line is not blank', () => {
    expect(csvLine([''])).toBe('""\r\n');
    expect(csvLine([])).toBe('\r\n');
  });

  it.each([
    ',',
    ';',
    '\t',
    '|',
  ] as const)('writes lines the reader reads back unchanged (delimiter %j)', async (delimiter) => {
    const values = ['=1+1', 'a,b;c\td|e', '"quoted"', 'multi\r\nline\nand\rmore', ' spaced ', 'é 日本 😀'];
    const text = csvLine(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], delimiter) + csvLine(values, delimiter);

    const { header, rows } = await openCsv(once(text), { delimiter });
    const read = [];
    for await (const row of rows) read.push(row);

    expect(header.headers).toEqual(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
    expect(read).toHaveLength(1);
    expect(Object.values(read[0]?.cells ?? {})).toEqual(values);
    expect(read[0]?.errors).toEqual([]);
  });
});

describe('neutralizeFormula', () => {
  it.each(['=SUM(A1:A9)', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('prefixes a quote to %j', (value) => {
    expect(neutralizeFormula(value)).toBe(`'${value}`);
  });

  it.each(['Ada', '', 'a=b', '1+1', ' =1', "'already"])('leaves %j as it is', (value) => {
    expect(neutralizeFormula(value)).toBe(value);
  });
});
