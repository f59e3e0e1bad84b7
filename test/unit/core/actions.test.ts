import { requestAction, startProcessing } from '../../../functions/core/actions.js';
import { createJsonImport } from '../../../functions/core/create-import.js';
import { type ConflictError, NotFoundError } from '../../../functions/core/errors.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { RowOutcome } from '../../../functions/core/types.js';
import { deliverAll, deliverAnalyses } from '../../helpers/in-memory/deliver.js';
import {
  allResults,
  byEmail,
  peopleByEmail,
  readImport,
  runJsonImport,
  TENANT,
} from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** The actions on an import (process, cancel, retry_failed, revert), through the in-memory ports. */

const ROWS = 2500;
const manyRows = () => Array.from({ length: ROWS }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `P${i}` }));

/** Each outcome's count among rows' latest results: what an import's counters must say. */
async function tallied(deps: MemoryDeps, id: string) {
  const counts = Object.fromEntries(
    (['created', 'updated', 'failed', 'unprocessed'] as RowOutcome[]).map((o) => [o, 0]),
  );
  for (const result of await allResults(deps, id)) counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
  return counts;
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a refusal');
  return { name: error.name, code: (error as ConflictError).code, message: error.message };
}

/** A three-chunk import whose first chunk was applied, then cancelled, its other chunks then delivered. */
async function cancelledMidway(deps: MemoryDeps): Promise<string> {
  const created = await createJsonImport(deps, { tenantId: TENANT, workspace: 'w1', rows: manyRows() });
  await deliverAnalyses(deps);
  const [first, ...rest] = deps.queue.takeChunks();
  expect(rest).toHaveLength(2);
  if (first) await processChunk(deps, first);
  const cancel = await requestAction(deps, TENANT, created.id, 'cancel');
  expect(cancel).toMatchObject({ type: 'cancel', status: 'completed' });
  for (const message of rest) await processChunk(deps, message);
  return created.id;
}

describe('requestAction cancel', () => {
  it('leaves the rows of chunks not yet applied unprocessed and ends cancelled', async () => {
    const deps = memoryDeps();

    const id = await cancelledMidway(deps);

    const item = await readImport(deps, id);
    expect(item).toMatchObject({
      status: 'cancelled',
      chunks_done: 3,
      counters: expect.objectContaining({ created: 1000, unprocessed: 1500 }),
      files: { results: expect.any(String), errors: expect.any(String) },
    });
    const results = await allResults(deps, id);
    expect(results.slice(0, 1000).every((r) => r.outcome === 'created')).toBe(true);
    expect(results.slice(1000).every((r) => r.outcome === 'unprocessed' && r.person_id === null)).toBe(true);
    expect(deps.people.everyone(TENANT)).toHaveLength(1000);
    expect((await deps.imports.listActions(TENANT, id)).map((a) => [a.type, a.status])).toEqual([
      ['process', 'cancelled'],
      ['cancel', 'completed'],
    ]);
    expect(deps.files.rows(item.files?.errors ?? '')).toHaveLength(1 + 1500);
  });

  it('is refused once the import is finished', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')]);

    expect(await refusal(requestAction(deps, TENANT, item.id, 'cancel'))).toEqual({
      name: 'ConflictError',
      code: 'invalid_state',
      message: `Import ${item.id} is completed; cancel needs it not yet finished`,
    });
  });
});

describe('requestAction retry_failed', () => {
  it('runs the unprocessed rows of a cancelled import again, counting each row’s latest outcome', async () => {
    const deps = memoryDeps();
    const id = await cancelledMidway(deps);

    const retry = await requestAction(deps, TENANT, id, 'retry_failed');
    await deliverAll(deps);

    const item = await readImport(deps, id);
    expect(item).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ created: ROWS, unprocessed: 0 }),
    });
    expect(await tallied(deps, id)).toMatchObject({ created: ROWS, unprocessed: 0 });
    const results = await allResults(deps, id);
    expect(results[0]).not.toHaveProperty('replaced');
    expect(results[1000]).toMatchObject({ outcome: 'created', replaced: 'unprocessed', action_id: retry.id });
    expect(deps.people.everyone(TENANT)).toHaveLength(ROWS);
    expect(await deps.imports.getAction(TENANT, id, retry.id)).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ created: 1500 }),
    });
  });

  it('runs failed rows again: those that can now succeed do, the others fail again, counted once', async () => {
    const deps = memoryDeps();
    await runJsonImport(deps, 'w1', [
      byEmail('a@x.io', { first_name: 'A' }),
      byEmail('d@x.io', { first_name: 'D' }),
      { identifiers: [{ kind: 'external_id', value: 'B1' }], profile: { first_name: 'B' }, attributes: {} },
    ]);
    const ambiguous = {
      identifiers: [
        { kind: 'external_id' as const, value: 'B1' },
        { kind: 'email' as const, value: 'd@x.io' },
      ],
      profile: { last_name: 'Both' },
      attributes: {},
    };
    const item = await runJsonImport(
      deps,
      'w1',
      [byEmail('c@x.io', { last_name: 'C' }), byEmail('a@x.io', { last_name: 'A' }), ambiguous],
      { operation: 'update' },
    );
    expect(item).toMatchObject({
      status: 'completed_with_errors',
      counters: expect.objectContaining({ failed: 2, updated: 1 }),
    });
    await runJsonImport(deps, 'w1', [byEmail('c@x.io', { first_name: 'C' })]);

    const retry = await requestAction(deps, TENANT, item.id, 'retry_failed');
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'completed_with_errors',
      counters: expect.objectContaining({ failed: 1, updated: 2, created: 0 }),
    });
    expect(await tallied(deps, item.id)).toMatchObject({ failed: 1, updated: 2 });
    expect((await allResults(deps, item.id)).map((r) => [r.row, r.outcome, r.replaced ?? null])).toEqual([
      [1, 'updated', 'failed'],
      [2, 'updated', null],
      [3, 'failed', 'failed'],
    ]);
    expect(await deps.imports.getAction(TENANT, item.id, retry.id)).toMatchObject({
      status: 'completed_with_errors',
      counters: expect.objectContaining({ updated: 1, failed: 1 }),
    });
    expect((await peopleByEmail(deps, 'w1')).get('c@x.io')?.profile).toEqual({
      first_name: 'C',
      last_name: 'C',
    });
  });

  it('is refused when no row failed', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')]);

    expect(await refusal(requestAction(deps, TENANT, item.id, 'retry_failed'))).toMatchObject({
      code: 'invalid_state',
      message: `Import ${item.id} is completed; retry_failed needs it finished with failed or unprocessed rows`,
    });
  });
});

describe('requestAction process and startProcessing', () => {
  it('processes a ready (dry run) import', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')], { dry_run: true });

    const action = await requestAction(deps, TENANT, item.id, 'process');
    expect(await readImport(deps, item.id)).toMatchObject({ status: 'queued', action_id: action.id });
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({ status: 'completed' });
    expect(deps.people.everyone(TENANT)).toHaveLength(1);
  });

  it('refuses an import that is not ready, and an import that does not exist', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')]);

    expect(await refusal(requestAction(deps, TENANT, item.id, 'process'))).toEqual({
      name: 'ConflictError',
      code: 'invalid_state',
      message: `Import ${item.id} is completed; process needs it ready (analyzed)`,
    });
    await expect(requestAction(deps, TENANT, 'imp_missing', 'process')).rejects.toBeInstanceOf(NotFoundError);
    await expect(requestAction(deps, 'other-tenant', item.id, 'cancel')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('fails the import, writing nothing, when rows are invalid and skip_invalid is off', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io'), byEmail('not-an-email')], {
      dry_run: true,
    });
    expect(item.review).toMatchObject({ invalid: 1 });

    const refused = await refusal(requestAction(deps, TENANT, item.id, 'process'));

    expect(refused).toMatchObject({ name: 'ConflictError', code: 'invalid_rows' });
    const failed = await readImport(deps, item.id);
    expect(failed).toMatchObject({
      status: 'failed',
      action_id: null,
      error: { code: 'invalid_rows', rows: [2], message: refused.message },
      files: { errors: expect.any(String) },
    });
    expect(deps.files.rows(failed.files?.errors ?? '').map((r) => r[0])).toEqual(['row', '1', '2']);
    expect(await deps.imports.listActions(TENANT, item.id)).toEqual([]);
    expect(deps.queue.sentChunks).toEqual([]);
    expect(deps.people.everyone(TENANT)).toEqual([]);
  });

  it('startProcessing refuses an import whose status is not one of `from`, and queues nothing', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')], { dry_run: true });
    await requestAction(deps, TENANT, item.id, 'cancel');

    const refused = await refusal(startProcessing(deps, await readImport(deps, item.id), ['ready']));

    expect(refused).toMatchObject({
      code: 'invalid_state',
      message: `Import ${item.id} is cancelled; process needs it ready`,
    });
    expect(deps.queue.sentChunks).toEqual([]);
    expect((await deps.imports.listActions(TENANT, item.id)).map((a) => a.type)).toEqual(['cancel']);
  });
});

describe('requestAction revert', () => {
  it.each(['queued', 'cancelled'] as const)('is refused for an import %s', async (status) => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')], { dry_run: true });
    await requestAction(deps, TENANT, item.id, status === 'queued' ? 'process' : 'cancel');

    expect(await refusal(requestAction(deps, TENANT, item.id, 'revert'))).toMatchObject({
      code: 'invalid_state',
      message: `Import ${item.id} is ${status}; revert needs it completed`,
    });
  });
});
