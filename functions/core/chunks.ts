import { limits } from './limits.js';
import type { ChunkRow, Counters, Import } from './types.js';

/**
 * Chunk geometry, stated once: analysis cuts an import's rows (numbered from 1) into consecutive
 * runs of `limits.chunkRows`, chunk 0 first; an import of zero rows still has one, empty, chunk.
 */

/** Whether a chunk being filled has as many rows as a chunk holds. */
export const chunkIsFull = (rows: number): boolean => rows >= limits.chunkRows;

/** The chunk that holds row `row`. */
export const chunkOfRow = (row: number): number => Math.floor((row - 1) / limits.chunkRows);

/** The first row of chunk `chunk` (whether or not the import has that many rows). */
export const firstRowOfChunk = (chunk: number): number => chunk * limits.chunkRows + 1;

/** The rows of chunk `chunk` in an import of `totalRows` rows: `first` to `last`, none when `last < first`. */
export const rowRangeOfChunk = (chunk: number, totalRows: number): { first: number; last: number } => ({
  first: firstRowOfChunk(chunk),
  last: Math.min(totalRows, firstRowOfChunk(chunk + 1) - 1),
});

/** The rows a chunk holds, by number only (for a chunk that is not read: abandoned, or unreadable). */
export function rowStubs(item: Pick<Import, 'total_rows'>, chunk: number): ChunkRow[] {
  const { first, last } = rowRangeOfChunk(chunk, item.total_rows);
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => ({
    row: first + i,
    input: { identifiers: [], profile: {}, attributes: {} },
    errors: [],
  }));
}

/** What one chunk's work adds: to its action's counters, and (as a delta) to its import's. */
export interface ChunkCounts {
  actionCounters: Counters;
  importDelta: Counters;
}
