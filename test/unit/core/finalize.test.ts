import { requestAction } from '../../../functions/core/actions.js';
import { finalizeAction } from '../../../functions/core/finalize.js';
import type { ResultFiles } from '../../../functions/core/ports.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { WorkMessage } from '../../../functions/core/types.js';
import {
  byEmail,
  peopleByEmail,
  readImport,
  runJsonImport,
  TENANT,
} from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** Finalizing an action: once, however often the last chunk is delivered or the step is run. */

/** Five people; an analyzed import that matches two of them and deletes the others (delete_unmatched). */
async function sweepingImport(deps: MemoryDeps): Promise<{ id: string; message: WorkMessage }> {
  await runJsonImport(
    deps,
    'w1',
    Array.from({ length: 5 }, (_, i) => byEmail(`u${i}@x.io`)),
  );
  const item = await runJsonImport(deps, 'w1', [byEmail('u0@x.io'), byEmail('u1@x.io'), byEmail('n@x.io')], {
    delete_unmatched: true,
    dry_run: true,
  });
  expect(item.review).toMatchObject({ unmatched_deletions: 3 });
  await requestAction(deps, TENANT, item.id, 'process');
  const [message] = deps.queue.takeChunks();
  if (!message) throw new Error('no chunk message');
  return { id: item.id, message };
}

/** Result files that fail their first write: a worker crashing in the middle of finalizing. */
function failingOnce(files: ResultFiles): ResultFiles {
  let failed = false;
  return {
    write: async (item, name, rows) => {
      if (!failed) {
        failed = true;
        throw new Error('injected crash while writing result files');
      }
      return files.write(item, name, rows);
    },
    downloadUrl: (key, filename) => files.downloadUrl(key, filename),
  };
}

describe('finalizeAction', () => {
  it('finalizes once when the last chunk is delivered again and when it is called again', async () => {
    const deps = memoryDeps();
    const { id, message } = await sweepingImport(deps);
    await processChunk(deps, message);
    const done = await readImport(deps, id);
    const actions = await deps.imports.listActions(TENANT, id);
    const writes = deps.files.writes;
    expect(done).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ deleted: 3, created: 1 }),
    });

    await processChunk(deps, message);
    const [process] = actions;
    if (!process) throw new Error('no process action');
    await finalizeAction(deps, done, process);

    expect(await readImport(deps, id)).toEqual(done);
    expect(await deps.imports.listActions(TENANT, id)).toEqual(actions);
    expect(deps.files.writes).toBe(writes);
  });

  it('writes the result files once when deliveries of the last chunk run at once', async () => {
    const deps = memoryDeps();
    const { id, message } = await sweepingImport(deps);
    const writes = deps.files.writes;

    await Promise.all([processChunk(deps, message), processChunk(deps, message)]);

    expect(await readImport(deps, id)).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ deleted: 3 }),
    });
    expect(deps.files.writes - writes).toBe(2);
  });

  it('after a crash half-way, finishes from the redelivered last chunk, deleting and counting each person once', async () => {
    const deps = memoryDeps();
    const { id, message } = await sweepingImport(deps);

    await expect(processChunk({ ...deps, files: failingOnce(deps.files) }, message)).rejects.toThrow(
      'injected',
    );
    expect(await readImport(deps, id)).toMatchObject({ status: 'finalizing', chunks_done: 1 });
    await processChunk(deps, message);

    const item = await readImport(deps, id);
    expect(item).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ unchanged: 2, created: 1, deleted: 3 }),
      files: { results: expect.any(String), errors: expect.any(String) },
    });
    const [process] = await deps.imports.listActions(TENANT, id);
    expect(process).toMatchObject({ status: 'completed', counters: expect.objectContaining({ deleted: 3 }) });
    expect([...(await peopleByEmail(deps, 'w1')).keys()].sort()).toEqual(['n@x.io', 'u0@x.io', 'u1@x.io']);
  });

  it('counts the sweep once when two finalizations of a crashed import run at once', async () => {
    const deps = memoryDeps();
    const { id, message } = await sweepingImport(deps);
    await expect(processChunk({ ...deps, files: failingOnce(deps.files) }, message)).rejects.toThrow(
      'injected',
    );
    const item = await readImport(deps, id);
    const action = await deps.imports.getAction(TENANT, id, item.action_id ?? '');
    if (!action) throw new Error('no action');

    await Promise.all([finalizeAction(deps, item, action), finalizeAction(deps, item, action)]);

    expect(await readImport(deps, id)).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ deleted: 3 }),
    });
  });
});
