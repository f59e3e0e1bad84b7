import { rowStubs } from './chunks.js';
import type { ChunkStore, ImportStore, ResultFiles } from './ports.js';
import { describeRowErrors as describe } from './row-messages.js';
import type { Import, RowResult } from './types.js';

/** Rows that belong in the error file: those that did not apply, with their errors. */
const isError = (result: RowResult | undefined) =>
  result !== undefined && ['failed', 'skipped', 'conflict', 'unprocessed'].includes(result.outcome);

/**
 * Writes an import's two files (the adapter formats the CSV and neutralizes formulas): results (row,
 * line, outcome, person id, errors) and errors (the original row: its cells under the header, the
 * `errors` column, then the cells the row had past the header's width, so that deleting the
 * `errors` column gives the row back; for JSON imports the record as JSON). Streams chunk by chunk,
 * so a file of a million rows is never held in memory.
 */
export async function writeResultFiles(
  deps: { imports: ImportStore; chunks: ChunkStore; files: ResultFiles },
  item: Import,
): Promise<{ results: string; errors: string }> {
  async function* rowsWithResults() {
    for (let chunk = 0; chunk < item.chunks_total; chunk++) {
      // A chunk that could not be read (it ended in the dead-letter queue) still has its rows' results.
      const rows = await deps.chunks
        .read({ tenant_id: item.tenant_id, import_id: item.id, chunk })
        .catch(() => rowStubs(item, chunk));
      if (rows.length === 0) continue;
      const first = rows[0]?.row ?? 1;
      const last = rows[rows.length - 1]?.row ?? first;
      const results = new Map(
        (await deps.imports.rowResults(item.tenant_id, item.id, first, last)).map((r) => [r.row, r]),
      );
      for (const row of rows) yield { row, result: results.get(row.row) };
    }
  }

  async function* results() {
    yield ['row', 'line', 'outcome', 'person_id', 'errors'];
    for await (const { row, result } of rowsWithResults()) {
      yield [
        String(row.row),
        row.line === undefined ? '' : String(row.line),
        result?.outcome ?? 'unprocessed',
        result?.person_id ?? '',
        describe(result?.errors ?? row.errors),
      ];
    }
  }

  const headers = item.headers ?? ['row', 'record'];
  async function* errors() {
    yield [...headers, 'errors'];
    for await (const { row, result } of rowsWithResults()) {
      if (!isError(result) && result !== undefined) continue;
      const original = row.source
        ? headers.map((header) => row.source?.[header] ?? '')
        : [String(row.row), JSON.stringify(row.input)];
      yield [...original, describe(result?.errors ?? row.errors), ...(row.source_extra ?? [])];
    }
  }

  return {
    results: await deps.files.write(item, 'results', results()),
    errors: await deps.files.write(item, 'errors', errors()),
  };
}
