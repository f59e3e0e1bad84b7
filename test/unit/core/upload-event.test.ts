import { jest } from '@jest/globals';
import { newImport } from '../../../functions/core/create-import.js';
import type { Import, ImportStatus } from '../../../functions/core/types.js';
import { startAnalysisOnUpload } from '../../../functions/core/upload-event.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** The upload event's decisions, with the in-memory import store and queue; the analysis itself is tested elsewhere. */

/** The in-memory deps, and a record of every conditional update of an import. */
function fakeDeps() {
  const deps = memoryDeps();
  /** The store's own update, unrecorded: another request's move. */
  const moveUnseen = deps.imports.update.bind(deps.imports);
  const update = jest.spyOn(deps.imports, 'update');
  const add = async (format: Import['format'], status: ImportStatus): Promise<Import> => {
    const item = { ...newImport(deps, { tenantId: 'acme', workspace: 'w1' }, format), status };
    await deps.imports.create(item);
    return (await deps.imports.get('acme', item.id)) as Import;
  };
  const updates = () => update.mock.calls.map(([, , from, changes]) => ({ from, changes }));
  return { deps, update, moveUnseen, add, updates, enqueued: deps.queue.sentAnalyses };
}

const current = (deps: MemoryDeps, item: Import) => deps.imports.get('acme', item.id);

describe('An upload event', () => {
  it('ignores an unknown import and a JSON import', async () => {
    const { deps, add, updates, enqueued } = fakeDeps();
    const json = await add('json', 'analyzing');

    expect(await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: 'imp_missing' })).toEqual({
      outcome: 'ignored',
      reason: 'unknown_import',
    });
    expect(await startAnalysisOnUpload(deps, { tenant_id: 'other', import_id: json.id })).toMatchObject({
      reason: 'unknown_import',
    });
    expect(await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: json.id })).toEqual({
      outcome: 'ignored',
      reason: 'not_csv',
      status: 'analyzing',
    });
    expect(updates()).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it.each<ImportStatus>([
    'analyzing',
    'ready',
    'queued',
    'completed',
    'failed',
    'cancelled',
  ])('does nothing to an import already %s (the analyze action came first)', async (status) => {
    const { deps, add, updates, enqueued } = fakeDeps();
    const item = await add('csv', status);
    const before = structuredClone(item);

    const result = await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id });

    expect(result).toEqual({ outcome: 'ignored', reason: 'not_awaiting_upload', status });
    expect(await current(deps, item)).toEqual(before);
    expect(updates()).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('does nothing when the analyze action moves the import between its read and its update', async () => {
    const { deps, add, update, moveUnseen, updates, enqueued } = fakeDeps();
    const item = await add('csv', 'awaiting_upload');
    update.mockImplementationOnce(async (...args) => {
      await moveUnseen('acme', item.id, ['awaiting_upload'], { status: 'analyzing' }, deps.clock.now());
      return moveUnseen(...args);
    });

    const result = await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id });

    expect(result).toEqual({ outcome: 'ignored', reason: 'not_awaiting_upload' });
    expect(updates()).toEqual([{ from: ['awaiting_upload'], changes: { status: 'analyzing' } }]);
    expect(enqueued).toEqual([]);
  });

  it('moves an import awaiting its upload to analyzing and queues its analysis, once', async () => {
    const { deps, add, updates, enqueued } = fakeDeps();
    const item = await add('csv', 'awaiting_upload');

    const result = await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id });

    expect(result).toEqual({ outcome: 'queued' });
    expect(updates()).toEqual([{ from: ['awaiting_upload'], changes: { status: 'analyzing' } }]);
    expect((await current(deps, item))?.status).toBe('analyzing');
    expect(enqueued).toEqual([{ tenant_id: 'acme', import_id: item.id }]);

    // The same event delivered again finds it started.
    expect(await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id })).toMatchObject({
      outcome: 'ignored',
      reason: 'not_awaiting_upload',
    });
    expect(enqueued).toHaveLength(1);
  });
});
