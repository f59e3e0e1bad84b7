import { CsvReaderInspector } from '../../../../functions/adapters/csv/csv-inspector.js';
import { ValidationError } from '../../../../functions/core/errors.js';
import { readCsvShape as readShape } from '../../../../functions/surfaces/learninglocker/service.js';

/** The service's CSV check, with the adapter the API wires in. */
const readCsvShape = (bytes: Uint8Array, encoding?: string) =>
  readShape({ csv: new CsvReaderInspector() }, bytes, encoding);

describe('Learning Locker uploads', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads the headers and counts the data rows', async () => {
    await expect(readCsvShape(bytes('Email,Age\na@b.co,1\n\nc@d.co,2\n'))).resolves.toEqual({
      headers: ['Email', 'Age'],
      rows: 2,
    });
    await expect(readCsvShape(bytes('Email,Age\n'))).resolves.toEqual({ headers: ['Email', 'Age'], rows: 0 });
  });

  it.each([
    ['an empty file', '', 'empty_file'],
    ['duplicate headers', 'Email,email\n', 'duplicate_header'],
    ['an unterminated quote', 'Email\n"a@b.co\n', 'unterminated_quote'],
  ])('refuses %s with a validation error', async (_what, text, code) => {
    const error = await readCsvShape(bytes(text)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe(code);
    expect((error as ValidationError).message).toMatch(/^The CSV cannot be imported: /);
  });

  it('reads the CSV in the encoding the upload names, and refuses those bytes as UTF-8', async () => {
    // Prepare: Excel's plain "CSV" on Windows, é as the single byte E9.
    const windows1252 = Uint8Array.from(Buffer.from('Name,Café\nJosé,1\n', 'latin1'));

    // Act
    const read = await readCsvShape(windows1252, 'windows-1252');
    const asUtf8 = await readCsvShape(windows1252).catch((e: unknown) => e);

    // Assess
    expect(read).toEqual({ headers: ['Name', 'Café'], rows: 1 });
    expect(asUtf8).toBeInstanceOf(ValidationError);
    expect((asUtf8 as ValidationError).code).toBe('invalid_utf8');
  });
});
