import { requestAction } from '../../../functions/core/actions.js';
import { analyzeImport } from '../../../functions/core/analyze.js';
import { applyNow } from '../../../functions/core/apply-now.js';
import { createJsonImport } from '../../../functions/core/create-import.js';
import type { ChunkStore, PeopleStore } from '../../../functions/core/ports.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { Import, WorkMessage } from '../../../functions/core/types.js';
import { deliverAll } from '../../helpers/in-memory/deliver.js';
import { allResults, byEmail, observed, readImport, TENANT } from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/**
 * Cancel, through the in-memory ports: a final status, its counters, its row results and its files
 * never change afterwards. While chunks run, the import is `cancelling`; the last chunk counted
 * makes it `cancelled`, with what was really written.
 */

const ROWS = 2500;
const manyRows = () => Array.from({ length: ROWS }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `P${i}` }));

/** What a client sees of an import, with its files' contents and its completion time. */
async function seen(deps: MemoryDeps, id: string) {
  const item = await readImport(deps, id);
  return {
    ...(await observed(deps, id)),
    completed_at: item.completed_at,
    files: item.files && {
      results: deps.files.rows(item.files.results),
      errors: deps.files.rows(item.files.errors),
    },
  };
}

/** The same deps with a chunk store that runs `before` once, when `chunk` is first read: a cancel arriving while that chunk runs. */
function readingChunk(deps: MemoryDeps, chunk: number, before: () => Promise<void>): MemoryDeps {
  const inner = deps.chunks;
  let done = false;
  const chunks: ChunkStore = {
    put: (ref, rows) => inner.put(ref, rows),
    read: async (ref) => {
      if (ref.chunk === chunk && !done) {
        done = true;
        await before();
      }
      return inner.read(ref);
    },
  };
  return { ...deps, chunks } as MemoryDeps;
}

/** A three-chunk import, analyzed and queued: its chunk messages. */
async function queuedImport(deps: MemoryDeps): Promise<{ id: string; messages: WorkMessage[] }> {
  const created = await createJsonImport(deps, { tenantId: TENANT, workspace: 'w1', rows: manyRows() });
  for (const ref of deps.queue.takeAnalyses()) await analyzeImport(deps, ref);
  const messages = deps.queue.takeChunks();
  expect(messages.map((m) => m.chunk)).toEqual([0, 1, 2]);
  return { id: created.id, messages };
}

describe('cancel while processing', () => {
  it('is cancelling while a chunk that was running finishes, then cancelled once with what was really written', async () => {
    // Prepare: chunk 0 applied; the cancel arrives while chunk 1 runs; chunk 2 starts after it.
    const deps = memoryDeps();
    const { id, messages } = await queuedImport(deps);
    const [first, second, third] = messages as [WorkMessage, WorkMessage, WorkMessage];
    await processChunk(deps, first);
    let duringCancel: Import | undefined;
    const cancelling = readingChunk(deps, 1, async () => {
      deps.clock.advance(1000);
      await requestAction(deps, TENANT, id, 'cancel');
      duringCancel = await readImport(deps, id);
    });

    // Act
    await processChunk(cancelling, second);
    const afterRunning = await readImport(deps, id);
    deps.clock.advance(1000);
    await processChunk(deps, third);

    // Assess
    expect(duringCancel).toMatchObject({ status: 'cancelling', completed_at: null, files: null });
    expect(afterRunning).toMatchObject({
      status: 'cancelling',
      chunks_done: 2,
      completed_at: null,
      files: null,
      counters: expect.objectContaining({ created: 2000, unprocessed: 0 }),
    });
    const item = await readImport(deps, id);
    expect(item).toMatchObject({
      status: 'cancelled',
      chunks_done: 3,
      completed_at: deps.clock.now(),
      counters: expect.objectContaining({ created: 2000, unprocessed: 500 }),
      files: { results: expect.any(String), errors: expect.any(String) },
    });
    const results = await allResults(deps, id);
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(item.counters.created);
    expect(results.filter((r) => r.outcome === 'unprocessed').map((r) => r.row)).toEqual(
      Array.from({ length: 500 }, (_, i) => 2001 + i),
    );
    expect(deps.people.everyone(TENANT)).toHaveLength(2000);
    expect(deps.files.rows(item.files?.errors ?? '')).toHaveLength(1 + 500);
    expect((await deps.imports.listActions(TENANT, id)).map((a) => [a.type, a.status])).toEqual([
      ['process', 'cancelled'],
      ['cancel', 'completed'],
    ]);
  });

  it('changes nothing once cancelled: every chunk delivered again, at once or in turn, leaves it as it was', async () => {
    // Prepare
    const deps = memoryDeps();
    const { id, messages } = await queuedImport(deps);
    const [first, ...rest] = messages;
    if (first) await processChunk(deps, first);
    await requestAction(deps, TENANT, id, 'cancel');
    for (const message of rest) await processChunk(deps, message);
    const final = await seen(deps, id);
    expect(final).toMatchObject({ status: 'cancelled' });

    // Act
    deps.clock.advance(60_000);
    await Promise.all(messages.map((message) => processChunk(deps, message)));
    for (const message of [...messages].reverse()) await processChunk(deps, message);
    await processChunk(deps, messages[2] as WorkMessage, 'abandon');

    // Assess
    expect(await seen(deps, id)).toEqual(final);
  });

  it('cancels a queued import through cancelling: every chunk is abandoned, and the rows are unprocessed', async () => {
    const deps = memoryDeps();
    const { id, messages } = await queuedImport(deps);

    await requestAction(deps, TENANT, id, 'cancel');
    const queued = await readImport(deps, id);
    for (const message of messages) await processChunk(deps, message);

    expect(queued).toMatchObject({ status: 'cancelling', completed_at: null });
    expect(await readImport(deps, id)).toMatchObject({
      status: 'cancelled',
      counters: expect.objectContaining({ created: 0, unprocessed: ROWS }),
      files: { results: expect.any(String), errors: expect.any(String) },
    });
    expect(deps.people.everyone(TENANT)).toEqual([]);
  });

  it('refuses a second cancel while cancelling, and leaves the import as it was', async () => {
    const deps = memoryDeps();
    const { id } = await queuedImport(deps);
    await requestAction(deps, TENANT, id, 'cancel');

    await expect(requestAction(deps, TENANT, id, 'cancel')).rejects.toMatchObject({
      code: 'invalid_state',
      message: `Import ${id} is cancelling; cancel needs it not yet finished`,
    });
    expect(await readImport(deps, id)).toMatchObject({ status: 'cancelling' });
  });
});

describe('cancel before processing', () => {
  it('is cancelled at once, and an analysis in flight changes nothing', async () => {
    // Prepare: the cancel arrives while the analysis writes its first chunk.
    const deps = memoryDeps();
    const created = await createJsonImport(deps, { tenantId: TENANT, workspace: 'w1', rows: manyRows() });
    let atCancel: Awaited<ReturnType<typeof seen>> | undefined;
    let item: Import | undefined;
    const inner = deps.chunks;
    let cancelled = false;
    const chunks: ChunkStore = {
      read: (ref) => inner.read(ref),
      put: async (ref, rows) => {
        if (!cancelled) {
          cancelled = true;
          await requestAction(deps, TENANT, created.id, 'cancel');
          atCancel = await seen(deps, created.id);
          item = await readImport(deps, created.id);
        }
        return inner.put(ref, rows);
      },
    };
    const analyzing = { ...deps, chunks } as MemoryDeps;

    // Act
    for (const ref of deps.queue.takeAnalyses()) await analyzeImport(analyzing, ref);
    await deliverAll(deps);

    // Assess
    expect(item).toMatchObject({ status: 'cancelled', completed_at: deps.clock.now(), review: null });
    expect(await seen(deps, created.id)).toEqual(atCancel);
    expect(await readImport(deps, created.id)).toEqual(item);
    expect(deps.queue.sentChunks).toEqual([]);
  });
});

describe('cancel while rows are applied in the request', () => {
  it('ends cancelled with the counters of the rows applied, not with nothing', async () => {
    // Prepare: the cancel arrives (through the native API) while applyNow writes its rows.
    const deps = memoryDeps();
    const inner = deps.people;
    let cancelled = false;
    const people: PeopleStore = {
      owners: (...args) => inner.owners(...args),
      getMany: (...args) => inner.getMany(...args),
      get: (...args) => inner.get(...args),
      listByWorkspace: (...args) => inner.listByWorkspace(...args),
      commit: (change) => inner.commit(change),
      commitMany: async (changes) => {
        const importId = changes[0]?.importId;
        if (!cancelled && importId) {
          cancelled = true;
          await requestAction(deps, TENANT, importId, 'cancel');
          expect(await readImport(deps, importId)).toMatchObject({ status: 'cancelling' });
        }
        return inner.commitMany(changes);
      },
    };

    // Act
    const { item } = await applyNow(
      { ...deps, people, ids: deps.ids },
      { tenantId: TENANT, workspace: 'w1', rows: [byEmail('a@x.io'), byEmail('b@x.io')], surface: 'mpdx' },
    );

    // Assess
    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'cancelled',
      completed_at: deps.clock.now(),
      counters: expect.objectContaining({ created: 2 }),
    });
    expect(item.status).toBe('cancelled');
  });
});
