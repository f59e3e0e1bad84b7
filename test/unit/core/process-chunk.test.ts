import { jest } from '@jest/globals';
import { requestAction } from '../../../functions/core/actions.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { WorkMessage } from '../../../functions/core/types.js';
import { crashingAfter } from '../../helpers/crashing-people.js';
import { byEmail, observed, readImport, runJsonImport, TENANT } from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/**
 * Applying a chunk twice (one after the other or at once), or crashing after k of its writes and
 * running it again, leaves exactly what one clean run leaves: people, row outcomes and counters.
 */

const ROWS = 60;

/** A workspace of 20 people and an analyzed import of 61 rows over them, its process action started. */
async function startedImport(): Promise<{ deps: MemoryDeps; message: WorkMessage; id: string }> {
  const deps = memoryDeps();
  await runJsonImport(
    deps,
    'w1',
    Array.from({ length: 20 }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `Old${i}` })),
  );
  const rows = Array.from({ length: ROWS }, (_, i) =>
    i % 3 === 0
      ? byEmail(`p${i}@x.io`, { first_name: `Old${i}` })
      : byEmail(`p${i}@x.io`, { first_name: `New${i}` }, { n: i }),
  );
  const item = await runJsonImport(deps, 'w1', [...rows, byEmail('p1@x.io', { first_name: 'Later' })], {
    dry_run: true,
  });
  await requestAction(deps, TENANT, item.id, 'process');
  const [message, ...others] = deps.queue.takeChunks();
  expect(others).toEqual([]);
  return { deps, message: message as WorkMessage, id: item.id };
}

describe('processChunk delivered more than once', () => {
  let clean: Awaited<ReturnType<typeof observed>>;

  beforeAll(async () => {
    const { deps, message, id } = await startedImport();
    await processChunk(deps, message);
    clean = await observed(deps, id);
  });

  it('completes a clean run with the expected counters', () => {
    expect(clean).toMatchObject({
      status: 'completed',
      chunks_done: 1,
      counters: expect.objectContaining({ created: 40, updated: 13, unchanged: 7, superseded: 1, failed: 0 }),
    });
    expect(clean.people).toHaveLength(60);
    expect(clean.owners).toHaveLength(60);
  });

  it('gives the same result when the chunk is applied twice, one after the other', async () => {
    const { deps, message, id } = await startedImport();

    await processChunk(deps, message);
    await processChunk(deps, message);

    expect(await observed(deps, id)).toEqual(clean);
  });

  it('gives the same result when deliveries of the chunk run at once', async () => {
    const { deps, message, id } = await startedImport();

    await Promise.all([
      processChunk(deps, message),
      processChunk(deps, message),
      processChunk(deps, message),
    ]);

    expect(await observed(deps, id)).toEqual(clean);
  });

  it.each([
    0, 1, 17, 45, 60,
  ])('gives the same result after a crash after %i writes and a redelivery', async (k) => {
    const { deps, message, id } = await startedImport();

    await expect(processChunk(crashingAfter(deps, k), message)).rejects.toThrow('injected crash');
    const halfway = await readImport(deps, id);
    expect(halfway).toMatchObject({ status: 'processing', chunks_done: 0 });
    expect(Object.values(halfway.counters).every((n) => n === 0)).toBe(true);
    await processChunk(deps, message);

    expect(await observed(deps, id)).toEqual(clean);
  });

  it('gives the same result when a crashed delivery and two redeliveries overlap', async () => {
    const { deps, message, id } = await startedImport();

    await Promise.allSettled([processChunk(crashingAfter(deps, 30), message), processChunk(deps, message)]);
    await processChunk(deps, message);

    expect(await observed(deps, id)).toEqual(clean);
  });
});

describe('processChunk of a multi-chunk import', () => {
  it('counts each chunk once when every chunk is delivered twice in reverse order', async () => {
    const deps = memoryDeps();
    const rows = Array.from({ length: 2100 }, (_, i) => byEmail(`q${i}@x.io`));
    const item = await runJsonImport(deps, 'w1', rows, { dry_run: true });
    await requestAction(deps, TENANT, item.id, 'process');
    const messages = deps.queue.takeChunks();
    expect(messages.map((m) => m.chunk)).toEqual([0, 1, 2]);

    for (const message of [...messages].reverse()) {
      await processChunk(deps, message);
      await processChunk(deps, message);
    }
    for (const message of messages) await processChunk(deps, message);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'completed',
      chunks_done: 3,
      counters: expect.objectContaining({ created: 2100, unprocessed: 0 }),
    });
    expect(deps.people.everyone(TENANT)).toHaveLength(2100);
  });

  it("reads a chunk's results once when it records them itself, and counts deliveries at once the same", async () => {
    const started = async () => {
      const deps = memoryDeps();
      await runJsonImport(deps, 'w1', [byEmail('q0@x.io'), byEmail('q1@x.io')]);
      const rows = Array.from({ length: 1500 }, (_, i) => byEmail(`q${i}@x.io`, { first_name: `Q${i}` }));
      const item = await runJsonImport(deps, 'w1', rows, { dry_run: true });
      const action = await requestAction(deps, TENANT, item.id, 'process');
      const [first] = deps.queue.takeChunks() as [WorkMessage];
      return {
        deps,
        first,
        counted: async () => (await deps.imports.getAction(TENANT, item.id, action.id))?.counters,
      };
    };
    const once = await started();
    const twice = await started();
    const reads = jest.spyOn(once.deps.imports, 'rowResults');

    await processChunk(once.deps, once.first);
    await Promise.all([processChunk(twice.deps, twice.first), processChunk(twice.deps, twice.first)]);

    // Before applying (which rows are due), and once after the people are looked up (which rows a
    // twin delivery finished meanwhile); none after: the chunk is counted from what it wrote.
    expect(reads).toHaveBeenCalledTimes(2);
    expect(await once.counted()).toEqual(
      expect.objectContaining({ created: 998, updated: 2, unprocessed: 0 }),
    );
    expect(await twice.counted()).toEqual(await once.counted());
  });

  it('ignores a message of an action that is not the import’s current one', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')], { dry_run: true });
    await requestAction(deps, TENANT, item.id, 'process');
    const [message] = deps.queue.takeChunks();

    await processChunk(deps, { ...(message as WorkMessage), action_id: 'act_other' });

    expect(await readImport(deps, item.id)).toMatchObject({ status: 'queued', chunks_done: 0 });
    expect(deps.people.everyone(TENANT)).toEqual([]);
  });

  it('marks the rows of an abandoned chunk (a dead letter) unprocessed and still finishes the import', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(
      deps,
      'w1',
      Array.from({ length: 1500 }, (_, i) => byEmail(`q${i}@x.io`)),
      { dry_run: true },
    );
    await requestAction(deps, TENANT, item.id, 'process');
    const [first, second] = deps.queue.takeChunks() as [WorkMessage, WorkMessage];

    await processChunk(deps, second, 'abandon');
    await processChunk(deps, first);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'completed_with_errors',
      counters: expect.objectContaining({ created: 1000, unprocessed: 500 }),
    });
  });
});
