import { jest } from '@jest/globals';
import { limits } from '../../../functions/core/limits.js';
import { writeResultFiles } from '../../../functions/core/result-files.js';
import { byEmail, runJsonImport } from '../../helpers/in-memory/import-runs.js';
import { memoryDeps } from '../../helpers/in-memory/memory-deps.js';

describe('writeResultFiles', () => {
  it("writes both files from one read of each chunk's results, the same files finalizing wrote", async () => {
    const deps = memoryDeps();
    const rows = Array.from({ length: 2 * limits.chunkRows + 10 }, (_, i) =>
      byEmail(i % 500 === 7 ? `bad-${i}` : `r${i}@x.io`),
    );
    const item = await runJsonImport(deps, 'w1', rows, { skip_invalid: true });
    const finalized = {
      results: deps.files.rows(item.files?.results ?? ''),
      errors: deps.files.rows(item.files?.errors ?? ''),
    };
    const reads = jest.spyOn(deps.imports, 'rowResults');

    const files = await writeResultFiles(deps, item);

    expect(reads).toHaveBeenCalledTimes(item.chunks_total);
    expect(item.chunks_total).toBe(3);
    expect({ results: deps.files.rows(files.results), errors: deps.files.rows(files.errors) }).toEqual(
      finalized,
    );
    expect(finalized.results).toHaveLength(rows.length + 1);
    expect(finalized.errors.map((row) => row[0])).toEqual(['row', '8', '508', '1008', '1508', '2008']);
  });
});
