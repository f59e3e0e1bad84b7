import { processChunk } from '../../functions/core/process-chunk.js';
import { emptyCounters, type Import } from '../../functions/core/types.js';
import {
  frozenClock,
  MemoryChunkStore,
  MemoryImportStore,
  MemoryPeopleStore,
  sequentialIds,
} from '../helpers/in-memory.js';

const TENANT = 't1';

async function setUp(rowsPerChunk: number[][]) {
  const people = new MemoryPeopleStore();
  const imports = new MemoryImportStore(people.results);
  const chunks = new MemoryChunkStore();
  const item: Import = {
    id: 'imp_1',
    tenant_id: TENANT,
    workspace: 'w',
    format: 'json',
    status: 'queued',
    options: { match_on: ['external_id', 'email'], on_ambiguous_match: 'error', blank_cells: 'ignore' },
    total_rows: rowsPerChunk.flat().length,
    chunks_total: rowsPerChunk.length,
    chunks_done: 0,
    counters: emptyCounters(),
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    completed_at: null,
  };
  await imports.create(item);
  let row = 0;
  for (const [chunk, emails] of rowsPerChunk.entries()) {
    await chunks.put(
      { tenant_id: TENANT, import_id: 'imp_1', chunk },
      emails.map((n) => ({ row: ++row, record: { email: `p${n}@example.com`, first_name: `P${n}` } })),
    );
  }
  const deps = { people, imports, chunks, clock: frozenClock(), ids: sequentialIds('per') };
  const ref = (chunk: number) => ({ tenant_id: TENANT, import_id: 'imp_1', chunk });
  return { deps, people, imports, ref };
}

describe('processChunk', () => {
  it('applies every row, counts the chunk and completes the import after its last chunk', async () => {
    const { deps, people, ref } = await setUp([
      [1, 2],
      [3, 1],
    ]);

    const afterFirst = await processChunk(deps, ref(0));
    const afterLast = await processChunk(deps, ref(1));

    expect(afterFirst).toMatchObject({ status: 'processing', chunks_done: 1 });
    expect(afterLast).toMatchObject({ status: 'completed', chunks_done: 2 });
    expect(afterLast?.counters).toMatchObject({ created: 3, unchanged: 1 });
    expect(people.people.size).toBe(3);
  });

  it('gives the same people and counters when a chunk is delivered twice', async () => {
    const { deps, people, ref } = await setUp([[1, 2, 3]]);

    await processChunk(deps, ref(0));
    const again = await processChunk(deps, ref(0));

    expect(again?.counters).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(again?.chunks_done).toBe(1);
    expect(people.people.size).toBe(3);
  });

  it('finishes a chunk that crashed after some rows as if it had run once', async () => {
    const { deps, people, imports, ref } = await setUp([[1, 2, 3, 4]]);
    people.crashAfter = 2;

    await expect(processChunk(deps, ref(0))).rejects.toThrow('injected crash');
    people.crashAfter = Number.POSITIVE_INFINITY;
    const rerun = await processChunk(deps, ref(0));

    expect(rerun).toMatchObject({ status: 'completed', chunks_done: 1 });
    expect(rerun?.counters).toMatchObject({ created: 4 });
    expect(people.people.size).toBe(4);
    expect((await imports.listRows(TENANT, 'imp_1')).items.map((r) => r.outcome)).toEqual([
      'created',
      'created',
      'created',
      'created',
    ]);
  });

  it('re-plans a row as an update when a concurrent writer created the person first', async () => {
    const { deps, people, ref } = await setUp([[7]]);
    const realOwners = people.owners.bind(people);
    let first = true;
    people.owners = async (...args) => {
      const found = await realOwners(...args);
      if (first) {
        first = false;
        // Another worker creates p7 between this worker's lookup and its write.
        await people.commit({
          tenantId: TENANT,
          importId: 'imp_other',
          before: null,
          after: {
            id: 'per_rival',
            workspace: 'w',
            identifiers: { email: 'p7@example.com' },
            first_name: null,
            last_name: null,
            attributes: {},
            version: 1,
            created_at: 'x',
            updated_in_db_at: 'x',
          },
          result: { row: 1, outcome: 'created', person_id: 'per_rival', errors: [] },
          now: 'x',
        });
      }
      return found;
    };

    const done = await processChunk(deps, ref(0));

    expect(done?.counters).toMatchObject({ created: 0, updated: 1 });
    expect(people.people.size).toBe(1);
    expect(people.people.get('per_rival')?.first_name).toBe('P7');
  });
});
