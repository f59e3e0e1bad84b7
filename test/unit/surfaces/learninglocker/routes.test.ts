import type { HttpEvent, TenantContext } from '../../../../functions/api/http.js';
import { newImport } from '../../../../functions/core/create-import.js';
import {
  emptyCounters,
  type Import,
  type ImportStatus,
  type RowResult,
} from '../../../../functions/core/types.js';
import type {
  LearningLockerRegistry,
  LlStructure,
  PersonasImportRecord,
} from '../../../../functions/surfaces/learninglocker/registry.js';
import {
  type LearningLockerDeps,
  learningLockerSurface,
} from '../../../../functions/surfaces/learninglocker/routes.js';

/**
 * `importpersonas` when the upload's analysis is slower than the request may wait: a start the
 * emulators cannot hold back on demand.
 */

const NOW = '2024-05-01T12:00:00.000Z';
const ID = '59c1219936229d4ce9634601';
const STRUCTURE: LlStructure = {
  Email: { columnName: 'Email', columnType: 'COLUMN_MBOX', relatedColumn: '', primary: 1 },
};

/** An in-memory registry with the adapter's versioned saves. */
function memoryRegistry(): LearningLockerRegistry & { records: Map<string, PersonasImportRecord> } {
  const records = new Map<string, PersonasImportRecord>();
  return {
    records,
    create: async (_tenant, record) => {
      if (records.has(record.id)) return false;
      records.set(record.id, record);
      return true;
    },
    get: async (_tenant, id) => records.get(id) ?? null,
    save: async (_tenant, record) => {
      if (records.get(record.id)?.version !== record.version) return null;
      const next = { ...record, version: record.version + 1 };
      records.set(record.id, next);
      return next;
    },
    listNewest: async () => [...records.values()].reverse(),
  };
}

/** One engine import whose status the test moves; `update` honours the `from` statuses as the store does. */
function engine(status: ImportStatus, rows: RowResult[] = []) {
  let item: Import = {
    ...newImport(
      { clock: { now: () => NOW }, ids: { next: () => 'imp_1' } },
      { tenantId: 't', workspace: 'w' },
      'csv',
    ),
    status,
  };
  const updates: Partial<Import>[] = [];
  const analyses: string[] = [];
  return {
    set: (next: ImportStatus) => {
      item = { ...item, status: next };
    },
    current: () => item,
    updates,
    analyses,
    imports: {
      get: async (_tenant: string, id: string) => (id === item.id ? item : null),
      update: async (_tenant: string, _id: string, from: ImportStatus[], changes: Partial<Import>) => {
        if (!from.includes(item.status)) return false;
        updates.push(changes);
        item = { ...item, ...changes };
        return true;
      },
      listRows: async (
        _tenant: string,
        _id: string,
        query: { outcome?: string; limit: number; cursor?: string },
      ) => {
        const matching = rows.filter((r) => r.outcome === query.outcome);
        const from = Number(query.cursor ?? 0);
        const to = Math.min(from + query.limit, from + 400);
        return { items: matching.slice(from, to), cursor: to < matching.length ? String(to) : null };
      },
    },
    queue: {
      enqueueAnalysis: async (ref: { import_id: string }) => {
        analyses.push(ref.import_id);
      },
    },
  };
}

function surface(status: ImportStatus, rows: RowResult[] = [], requested: string | null = null) {
  const registry = memoryRegistry();
  registry.records.set(ID, {
    id: ID,
    organisation: '59c1219936229d4ce9634602',
    owner: '59c1219936229d4ce9634603',
    title: 'Example',
    structure: STRUCTURE,
    csv_headers: ['Email'],
    total_count: 1,
    import_id: 'imp_1',
    csv_handle: 'uploads/t/imp_1/source.csv',
    uploaded_at: NOW,
    process_requested_at: requested,
    created_at: NOW,
    updated_at: NOW,
    version: 2,
  });
  const fake = engine(status, rows);
  const deps = {
    imports: fake.imports,
    queue: fake.queue,
    clock: { now: () => NOW },
    ll: registry,
    analysisWaitMs: 50,
  } as unknown as LearningLockerDeps;
  const { routes } = learningLockerSurface(deps);
  const route = (method: string, path: string) => {
    const found = routes.find((r) => r.method === method && r.path === path);
    if (found === undefined) throw new Error(`no ${method} ${path}`);
    return found;
  };
  const context = { tenant: { id: 't', name: 'T' } } as TenantContext;
  const process = () =>
    route('POST', '/api/importpersonas').handler(
      { body: JSON.stringify({ id: ID }), isBase64Encoded: false, headers: {} } as unknown as HttpEvent,
      context,
    );
  const show = () =>
    route('GET', '/api/v2/personasImport/{id}').handler(
      { pathParameters: { id: ID }, headers: {} } as unknown as HttpEvent,
      context,
    );
  return { fake, registry, process, show };
}

const bodyOf = (reply: { body?: string }) => JSON.parse(reply.body ?? '{}') as Record<string, unknown>;

describe('Learning Locker importpersonas while the upload is still being analyzed', () => {
  it('answers 200 at STAGE_PROCESSING and starts nothing until the analysis is ready', async () => {
    const { fake, registry, process } = surface('analyzing');

    const reply = await process();

    expect(reply.statusCode).toBe(200);
    expect(bodyOf(reply).importStage).toBe('STAGE_PROCESSING');
    expect(registry.records.get(ID)?.process_requested_at).toBe(NOW);
    expect(fake.updates).toEqual([]);
    expect(fake.analyses).toEqual([]);
  });

  it('starts processing on the next read once the analysis is ready, with the model’s structure, once', async () => {
    const { fake, process, show } = surface('analyzing');
    await process();
    fake.set('ready');

    const first = await show();
    const second = await show();

    expect(bodyOf(first).importStage).toBe('STAGE_PROCESSING');
    expect(bodyOf(second).importStage).toBe('STAGE_PROCESSING');
    expect(fake.analyses).toEqual(['imp_1']);
    expect(fake.updates).toHaveLength(1);
    expect(fake.updates[0]).toMatchObject({
      status: 'analyzing',
      structure: { Email: { role: 'identifier', kind: 'mbox', priority: 1 } },
      options: { dry_run: false, on_ambiguous_match: 'merge', skip_invalid: true, match_on: ['mbox'] },
    });
  });

  it('starts at once when the analysis is ready by the time the request comes', async () => {
    const { fake, process } = surface('ready');

    const reply = await process();

    expect(bodyOf(reply).importStage).toBe('STAGE_PROCESSING');
    expect(fake.analyses).toEqual(['imp_1']);
    expect(fake.current().options.dry_run).toBe(false);
  });

  it('refuses the upload’s failed analysis with 409 and records no start', async () => {
    const { registry, process } = surface('failed');

    await expect(process()).rejects.toMatchObject({ name: 'ConflictError' });
    expect(registry.records.get(ID)?.process_requested_at).toBeNull();
  });
});

describe('Learning Locker importErrors', () => {
  it('lists at most 1,000 rows in error, in row order, across outcomes', async () => {
    const failed = (row: number): RowResult => ({
      row,
      outcome: row % 2 === 0 ? 'skipped' : 'failed',
      person_id: null,
      errors: [{ code: 'missing_identifier', message: 'none' }],
    });
    const rows = Array.from({ length: 1500 }, (_, i) => failed(i + 1));
    const { fake, show } = surface('completed_with_errors', rows, NOW);
    fake.current().counters = { ...emptyCounters(), failed: 750, skipped: 750 };

    const model = bodyOf(await show());

    const errors = model.importErrors as { row: number; rowErrors: string[] }[];
    expect(errors).toHaveLength(1000);
    expect(errors.map((e) => e.row)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(errors[0]?.rowErrors).toEqual(['none']);
    expect(model.processedCount).toBe(1500);
    expect(model.importStage).toBe('STAGE_IMPORTED');
  });
});
