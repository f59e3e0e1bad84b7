import { newImport } from '../../../functions/core/create-import.js';
import type { ImportStore } from '../../../functions/core/ports.js';
import type { Import, ImportStatus } from '../../../functions/core/types.js';
import { startAnalysisOnUpload } from '../../../functions/core/upload-event.js';

/** The upload event's decisions, with the import store and queue faked; the analysis itself is tested elsewhere. */

const NOW = '2024-05-01T12:00:00.000Z';

class FakeImports {
  readonly items = new Map<string, Import>();
  readonly updates: { from: ImportStatus[]; changes: Partial<Import> }[] = [];
  /** Runs between the event's read and its conditional update: another request moving the import. */
  beforeUpdate: (() => void) | null = null;

  add(format: Import['format'], status: ImportStatus): Import {
    const item = newImport(
      { clock: { now: () => NOW }, ids: { next: () => `imp_${this.items.size + 1}` } },
      { tenantId: 'acme', workspace: 'w1' },
      format,
    );
    item.status = status;
    this.items.set(item.id, item);
    return item;
  }

  async get(tenantId: string, id: string): Promise<Import | null> {
    const item = this.items.get(id);
    return item && item.tenant_id === tenantId ? structuredClone(item) : null;
  }

  async update(
    tenantId: string,
    id: string,
    from: ImportStatus[],
    changes: Partial<Import>,
    now: string,
  ): Promise<boolean> {
    this.beforeUpdate?.();
    this.beforeUpdate = null;
    this.updates.push({ from, changes });
    const item = this.items.get(id);
    if (!item || item.tenant_id !== tenantId || !from.includes(item.status)) return false;
    Object.assign(item, changes, { updated_at: now });
    return true;
  }
}

function fakeDeps() {
  const imports = new FakeImports();
  const enqueued: { tenant_id: string; import_id: string }[] = [];
  const deps = {
    imports: imports as unknown as ImportStore,
    queue: {
      enqueueChunks: async () => {},
      enqueueAnalysis: async (ref: { tenant_id: string; import_id: string }) => {
        enqueued.push(ref);
      },
    },
    clock: { now: () => NOW },
  };
  return { deps, imports, enqueued };
}

describe('An upload event', () => {
  it('ignores an unknown import and a JSON import', async () => {
    const { deps, imports, enqueued } = fakeDeps();
    const json = imports.add('json', 'analyzing');

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
    expect(imports.updates).toEqual([]);
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
    const { deps, imports, enqueued } = fakeDeps();
    const item = imports.add('csv', status);
    const before = structuredClone(item);

    const result = await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id });

    expect(result).toEqual({ outcome: 'ignored', reason: 'not_awaiting_upload', status });
    expect(imports.items.get(item.id)).toEqual(before);
    expect(imports.updates).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it('does nothing when the analyze action moves the import between its read and its update', async () => {
    const { deps, imports, enqueued } = fakeDeps();
    const item = imports.add('csv', 'awaiting_upload');
    imports.beforeUpdate = () => {
      (imports.items.get(item.id) as Import).status = 'analyzing';
    };

    const result = await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id });

    expect(result).toEqual({ outcome: 'ignored', reason: 'not_awaiting_upload' });
    expect(imports.updates).toEqual([{ from: ['awaiting_upload'], changes: { status: 'analyzing' } }]);
    expect(enqueued).toEqual([]);
  });

  it('moves an import awaiting its upload to analyzing and queues its analysis, once', async () => {
    const { deps, imports, enqueued } = fakeDeps();
    const item = imports.add('csv', 'awaiting_upload');

    const result = await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id });

    expect(result).toEqual({ outcome: 'queued' });
    expect(imports.updates).toEqual([{ from: ['awaiting_upload'], changes: { status: 'analyzing' } }]);
    expect(imports.items.get(item.id)?.status).toBe('analyzing');
    expect(enqueued).toEqual([{ tenant_id: 'acme', import_id: item.id }]);

    // The same event delivered again finds it started.
    expect(await startAnalysisOnUpload(deps, { tenant_id: 'acme', import_id: item.id })).toMatchObject({
      outcome: 'ignored',
      reason: 'not_awaiting_upload',
    });
    expect(enqueued).toHaveLength(1);
  });
});
