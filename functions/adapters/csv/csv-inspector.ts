import { CsvFileError, SourceError } from '../../core/errors.js';
import type { CsvInspector, CsvShape } from '../../core/ports.js';
import { openCsv } from './csv-reader.js';

/** Reads an uploaded CSV in memory with the reader analysis uses (delimiter detected, the same encodings and limits). */
export class CsvReaderInspector implements CsvInspector {
  async shape(bytes: Uint8Array, options: { encoding?: string } = {}): Promise<CsvShape> {
    async function* source() {
      yield bytes;
    }
    try {
      const { header, rows } = await openCsv(
        source(),
        options.encoding === undefined ? {} : { encoding: options.encoding },
      );
      let count = 0;
      for await (const _row of rows) count += 1;
      return { headers: header.headers, rows: count };
    } catch (error) {
      if (error instanceof CsvFileError) throw new SourceError(error.code, error.message, error.line);
      throw error;
    }
  }
}
