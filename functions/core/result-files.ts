import { rowStubs } from './chunks.js';
import type { ChunkStore, ImportStore, ResultFiles } from './ports.js';
import { describeRowErrors as describe } from './row-messages.js';
import type { Import, RowResult } from './types.js';

/** Rows that belong in the error file: those that did not apply, with their errors. */
const isError = (result: RowResult | undefined) =>
  result !== undefined && ['failed', 'skipped', 'conflict', 'unprocessed'].includes(result.outcome);

/** Chunks one file may be read ahead of the other: what is held in memory at most, besides. */
const FILES_APART = 2;

/**
 * Writes an import's two files (the adapter formats the CSV and neutralizes formulas): results (row,
 * line, outcome, person id, errors) and errors (the original row: its cells under the header, the
 * `errors` column, then the cells the row had past the header's width, so that deleting the
 * `errors` column gives the row back; for JSON imports the record as JSON). Streams chunk by chunk,
 * so a file of a million rows is never held in memory; both files are written at once from one
 * read of each chunk's results (each read is a consistent query of every result: read units).
 */
export async function writeResultFiles(
  deps: { imports: ImportStore; chunks: ChunkStore; files: ResultFiles },
  item: Import,
): Promise<{ results: string; errors: string }> {
  const readChunk = async (chunk: number) => {
    // A chunk that could not be read (it ended in the dead-letter queue) still has its rows' results.
    const rows = await deps.chunks
      .read({ tenant_id: item.tenant_id, import_id: item.id, chunk })
      .catch(() => rowStubs(item, chunk));
    if (rows.length === 0) return [];
    const first = rows[0]?.row ?? 1;
    const last = rows[rows.length - 1]?.row ?? first;
    const results = new Map(
      (await deps.imports.rowResults(item.tenant_id, item.id, first, last)).map((r) => [r.row, r]),
    );
    return rows.map((row) => ({ row, result: results.get(row.row) }));
  };
  const rowsWithResults = sharedReads(readChunk, item.chunks_total, 2);

  async function* results() {
    yield ['row', 'line', 'outcome', 'person_id', 'errors'];
    for await (const { row, result } of rowsWithResults(0)) {
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
    for await (const { row, result } of rowsWithResults(1)) {
      if (!isError(result) && result !== undefined) continue;
      const original = row.source
        ? headers.map((header) => row.source?.[header] ?? '')
        : [String(row.row), JSON.stringify(row.input)];
      yield [...original, describe(result?.errors ?? row.errors), ...(row.source_extra ?? [])];
    }
  }

  const [resultsKey, errorsKey] = await Promise.all([
    deps.files.write(item, 'results', results()),
    deps.files.write(item, 'errors', errors()),
  ]);
  return { results: resultsKey, errors: errorsKey };
}

/**
 * `readers` passes over `total` chunks that share one read of each: a chunk is read by the first
 * reader to reach it and let go once every reader has passed it; a reader FILES_APART chunks ahead
 * of the slowest waits for it. A reader that stops (its file failed) no longer holds the others.
 */
function sharedReads<T>(read: (chunk: number) => Promise<T[]>, total: number, readers: number) {
  const held = new Map<number, Promise<T[]>>();
  const next = new Array<number>(readers).fill(0);
  let waiting: (() => void)[] = [];
  const moved = () => {
    const slowest = Math.min(...next);
    for (const chunk of held.keys()) if (chunk < slowest) held.delete(chunk);
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  return async function* pass(reader: number): AsyncGenerator<T> {
    try {
      for (let chunk = 0; chunk < total; chunk++) {
        while (chunk - Math.min(...next) >= FILES_APART) await new Promise<void>((r) => waiting.push(r));
        let items = held.get(chunk);
        if (items === undefined) {
          items = read(chunk);
          // Awaited below; a failure meanwhile is not an unhandled rejection.
          items.catch(() => undefined);
          held.set(chunk, items);
        }
        yield* await items;
        next[reader] = chunk + 1;
        moved();
      }
    } finally {
      next[reader] = Number.POSITIVE_INFINITY;
      moved();
    }
  };
}
