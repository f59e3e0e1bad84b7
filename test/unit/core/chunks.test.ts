import {
  chunkIsFull,
  chunkOfRow,
  firstRowOfChunk,
  rowRangeOfChunk,
  rowStubs,
} from '../../../functions/core/chunks.js';
import { limits } from '../../../functions/core/limits.js';

const N = limits.chunkRows;

describe('Chunk geometry', () => {
  it('puts rows 1 to N in chunk 0 and row N + 1 in chunk 1', () => {
    expect([chunkOfRow(1), chunkOfRow(N), chunkOfRow(N + 1)]).toEqual([0, 0, 1]);
    expect([firstRowOfChunk(0), firstRowOfChunk(1)]).toEqual([1, N + 1]);
  });

  it('finds every row in the chunk whose range holds it', () => {
    for (const row of [1, 2, N - 1, N, N + 1, 2 * N, 2 * N + 1, 5 * N + 7]) {
      const { first, last } = rowRangeOfChunk(chunkOfRow(row), 10 * N);
      expect(first <= row && row <= last).toBe(true);
    }
  });

  it('ends the last chunk at the last row, and gives a chunk past the end no rows', () => {
    expect(rowRangeOfChunk(1, N + 5)).toEqual({ first: N + 1, last: N + 5 });
    expect(rowStubs({ total_rows: N + 5 }, 1).map((r) => r.row)).toEqual([1, 2, 3, 4, 5].map((i) => N + i));
    expect(rowStubs({ total_rows: N }, 1)).toEqual([]);
    expect(rowStubs({ total_rows: 0 }, 0)).toEqual([]);
  });

  it('calls a chunk full at N rows', () => {
    expect([chunkIsFull(N - 1), chunkIsFull(N)]).toEqual([false, true]);
  });
});
