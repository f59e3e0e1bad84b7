import { newImport } from '../../../../functions/core/create-import.js';
import { ValidationError } from '../../../../functions/core/errors.js';
import { type Action, emptyCounters, type WorkMessage } from '../../../../functions/core/types.js';
import { sequentialIds } from '../../../helpers/in-memory/fixed-clock.js';
import { MemoryImportStore } from '../../../helpers/in-memory/memory-import.store.js';
import { MemoryPeopleStore } from '../../../helpers/in-memory/memory-people.store.js';
import { RowResultTable } from '../../../helpers/in-memory/row-results.table.js';

/** The in-memory import store keeps DynamoImportStore's contract. */

const NOW = '2024-05-01T12:00:00.000Z';

async function storeWithImport() {
  const results = new RowResultTable();
  const imports = new MemoryImportStore(results);
  const item = newImport(
    { clock: { now: () => NOW }, ids: sequentialIds('imp') },
    { tenantId: 't1', workspace: 'w1' },
    'json',
  );
  await imports.create(item);
  return { imports, people: new MemoryPeopleStore(results), item };
}

const action = (id: string, importId: string): Action => ({
  id,
  import_id: importId,
  type: 'process',
  status: 'queued',
  counters: emptyCounters(),
  chunks_total: 2,
  chunks_done: 0,
  created_at: NOW,
  updated_at: NOW,
  completed_at: null,
});

describe('MemoryImportStore', () => {
  it('updates an import only when its status is one of `from`', async () => {
    const { imports, item } = await storeWithImport();

    expect(await imports.update('t1', item.id, ['ready'], { status: 'queued' }, NOW)).toBe(false);
    expect(await imports.update('t1', 'imp_missing', ['analyzing'], { status: 'queued' }, NOW)).toBe(false);
    expect(
      await imports.update('t1', item.id, ['analyzing'], { status: 'ready', error: undefined }, 'later'),
    ).toBe(true);

    expect(await imports.get('t1', item.id)).toMatchObject({
      status: 'ready',
      error: null,
      updated_at: 'later',
      upload: null,
    });
    expect(await imports.get('t2', item.id)).toBeNull();
  });

  it('starts an action and moves the import together, or does neither', async () => {
    const { imports, item } = await storeWithImport();

    expect(await imports.startAction('t1', action('act_1', item.id), ['ready'], 'queued', NOW)).toBe(false);
    expect(await imports.getAction('t1', item.id, 'act_1')).toBeNull();
    expect(await imports.startAction('t1', action('act_1', item.id), ['analyzing'], 'queued', NOW)).toBe(
      true,
    );

    expect(await imports.get('t1', item.id)).toMatchObject({
      status: 'queued',
      action_id: 'act_1',
      chunks_done: 0,
    });
    expect(await imports.listActions('t1', item.id)).toEqual([action('act_1', item.id)]);
  });

  it('counts a chunk once per action: its counters to the action, its delta to the import', async () => {
    const { imports, item } = await storeWithImport();
    await imports.startAction('t1', action('act_1', item.id), ['analyzing'], 'processing', NOW);
    const message: WorkMessage = { tenant_id: 't1', import_id: item.id, action_id: 'act_1', chunk: 1 };
    const counted = { ...emptyCounters(), created: 3, failed: 1 };
    const delta = { ...emptyCounters(), created: 3, failed: 1, unprocessed: -4 };

    await imports.completeChunk(message, counted, delta, NOW);
    const again = await imports.completeChunk(message, counted, delta, NOW);

    expect(again.action).toMatchObject({ status: 'running', chunks_done: 1, counters: counted });
    expect(again.import).toMatchObject({ chunks_done: 1, counters: delta });
    await imports.startAction('t1', action('act_2', item.id), ['processing'], 'queued', NOW);
    const next = await imports.completeChunk({ ...message, action_id: 'act_2' }, counted, delta, NOW);
    expect(next.import.counters).toMatchObject({ created: 6, unprocessed: -8 });
  });

  it('reads row results by slot and in row order, a page at a time', async () => {
    const { imports, people, item } = await storeWithImport();
    for (const [row, outcome] of [
      [3, 'failed'],
      [1, 'created'],
      [2, 'failed'],
      [10, 'created'],
    ] as const) {
      await people.commit({
        tenantId: 't1',
        importId: item.id,
        slot: 'row',
        result: { row, outcome, person_id: null, errors: [] },
        effect: { puts: [], deletes: [] },
        now: NOW,
      });
    }
    await people.commit({
      tenantId: 't1',
      importId: item.id,
      slot: 'undo',
      result: { row: 1, outcome: 'deleted', person_id: null, errors: [] },
      effect: { puts: [], deletes: [] },
      now: NOW,
    });

    expect((await imports.rowResults('t1', item.id, 1, 3)).map((r) => r.row)).toEqual([1, 2, 3]);
    expect((await imports.rowResults('t1', item.id, 1, 10, 'undo')).map((r) => r.outcome)).toEqual([
      'deleted',
    ]);
    const first = await imports.listRows('t1', item.id, { limit: 2 });
    const rest = await imports.listRows('t1', item.id, { limit: 2, cursor: first.cursor ?? undefined });
    expect(first.items.map((r) => r.row)).toEqual([1, 2]);
    expect(rest.items.map((r) => r.row)).toEqual([3, 10]);
    const failed = await imports.listRows('t1', item.id, { limit: 5, outcome: 'failed' });
    expect(failed).toEqual({
      items: [expect.objectContaining({ row: 2 }), expect.objectContaining({ row: 3 })],
      cursor: null,
    });
    await expect(imports.rowResults('t1', item.id, 3, 1)).rejects.toThrow('BETWEEN');
  });
});

describe('MemoryImportStore.listByWorkspace', () => {
  it("pages a workspace's imports newest first, as the adapter's index read backwards does", async () => {
    const imports = new MemoryImportStore(new RowResultTable());
    const ids = sequentialIds('imp');
    const at = (minute: number, workspace = 'w1', tenantId = 't1') =>
      newImport(
        { clock: { now: () => `2024-05-01T12:0${minute}:00.000Z` }, ids },
        { tenantId, workspace },
        'json',
      );
    const made = [at(1), at(3), at(2), at(4, 'w2'), at(5, 'w1', 't2')];
    for (const item of made) await imports.create(item);

    const first = await imports.listByWorkspace('t1', 'w1', 2);
    const second = await imports.listByWorkspace('t1', 'w1', 2, first.cursor ?? undefined);

    expect(first.items.map((i) => i.created_at.slice(14, 16))).toEqual(['03', '02']);
    expect(second.items.map((i) => i.id)).toEqual([made[0]?.id]);
    expect(second.cursor).toBeNull();
    await expect(imports.listByWorkspace('t1', 'w1', 2, 'not-a-cursor')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
