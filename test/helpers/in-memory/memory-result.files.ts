import { csvLine, neutralizeFormula, UTF8_BOM } from '../../../functions/adapters/csv/csv-writer.js';
import type { ResultFiles } from '../../../functions/core/ports.js';
import type { Import } from '../../../functions/core/types.js';

/**
 * ResultFiles in memory, with S3ResultFiles' contract: a file is CSV text under
 * `results/<tenant>/<import>/<name>.csv` (written again, it is replaced), starting with a UTF-8
 * BOM, its cells neutralized against formulas. `cells` keeps each file's rows as written, for assertions; `writes` counts
 * every write, so a test sees a file written twice.
 */
export class MemoryResultFiles implements ResultFiles {
  readonly texts = new Map<string, string>();
  readonly cells = new Map<string, string[][]>();
  writes = 0;

  async write(item: Import, name: 'results' | 'errors', rows: AsyncIterable<string[]>): Promise<string> {
    const key = `results/${item.tenant_id}/${item.id}/${name}.csv`;
    const written: string[][] = [];
    for await (const row of rows) written.push(row.map(neutralizeFormula));
    this.texts.set(key, UTF8_BOM + written.map((row) => csvLine(row)).join(''));
    this.cells.set(key, written);
    this.writes += 1;
    return key;
  }

  async downloadUrl(key: string, filename: string): Promise<string> {
    return `memory://${key}?filename=${encodeURIComponent(filename.replace(/"/g, ''))}`;
  }

  /** A file's rows as written (the header first); throws when there is no such file. */
  rows(key: string): string[][] {
    const rows = this.cells.get(key);
    if (rows === undefined) throw new Error(`No result file ${key}`);
    return structuredClone(rows);
  }
}
